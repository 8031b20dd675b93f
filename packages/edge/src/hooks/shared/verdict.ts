/**
 * The shared hook's answer (Claude Code's output shape) reduced to what every agent's protocol can
 * say: a permission and a reason, or monitor's advice. Reasons are escaped here, once, so a command's
 * newlines, bidi overrides or ANSI escapes quoted in a gateway summary never reach an agent's UI raw.
 */
import { escapeUnsafe } from '../../text/index.js';
import type { HookOutput } from '../claude-code/hook.js';

export type Verdict =
  | { kind: 'decided'; permission: 'allow' | 'deny' | 'ask'; reason: string }
  | { kind: 'advice'; message?: string };

const REASON_MAX = 1000;

function safe(text: string): string {
  const escaped = escapeUnsafe(text);
  return escaped.length > REASON_MAX ? `${escaped.slice(0, REASON_MAX)}…` : escaped;
}

export function verdictOf(output: HookOutput): Verdict {
  const decided = output.hookSpecificOutput;
  if (decided) {
    const permission = decided.permissionDecision;
    // Anything but the three known answers is a deny: an unexpected shape never lets a tool run.
    const known = permission === 'allow' || permission === 'ask' ? permission : 'deny';
    return { kind: 'decided', permission: known, reason: safe(decided.permissionDecisionReason) };
  }
  return output.systemMessage !== undefined
    ? { kind: 'advice', message: safe(output.systemMessage) }
    : { kind: 'advice' };
}
