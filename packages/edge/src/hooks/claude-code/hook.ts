/**
 * `actpass hook claude-code`: Claude Code's PreToolUse hook protocol (SPEC §13). Claude Code writes
 * `{session_id, transcript_path, cwd, permission_mode, hook_event_name: "PreToolUse", tool_name,
 * tool_input, tool_use_id}` on stdin; the hook answers `{hookSpecificOutput: {hookEventName:
 * "PreToolUse", permissionDecision, permissionDecisionReason}}` on stdout.
 *   enforce: allow → allow; require_approval → ask; anything else (the gateway unreachable included,
 *            and a payload it cannot read) → deny with the reason code and summary.
 *   monitor: never a permission decision; the advice goes in `systemMessage`.
 * Tools map to `claude.*` (Bash → claude.bash, Edit/MultiEdit → claude.edit, Write → claude.write,
 * WebFetch → claude.web_fetch, mcp__<server>__<tool> → claude.mcp.<server>.<tool>) with the tool input
 * as args and the derived facts, workspace and session memory in `context`.
 */
import type { ActPass, PreflightDecision } from '@actpass/sdk';
import { sanitizeToolName } from '../../proxy/mcp/names.js';
import { toolFacts } from './facts.js';
import { readSession, type SessionState, writeSession } from './session.js';

export type HookMode = 'enforce' | 'monitor';

export interface HookOptions {
  client: ActPass;
  mode: HookMode;
  stateDir: string;
  goal?: string;
}

export interface HookOutput {
  hookSpecificOutput?: {
    hookEventName: 'PreToolUse';
    permissionDecision: 'allow' | 'deny' | 'ask';
    permissionDecisionReason: string;
  };
  systemMessage?: string;
}

interface Payload {
  session_id: string;
  cwd: string;
  tool_name: string;
  tool_input: Record<string, unknown>;
}

const NAMED: Record<string, string> = {
  Bash: 'claude.bash',
  Edit: 'claude.edit',
  MultiEdit: 'claude.edit',
  Write: 'claude.write',
  NotebookEdit: 'claude.notebook_edit',
  Read: 'claude.read',
  WebFetch: 'claude.web_fetch',
  WebSearch: 'claude.web_search',
};

export function claudeToolName(toolName: string): string {
  const named = NAMED[toolName];
  if (named) return named;
  const mcp = /^mcp__(.+?)__(.+)$/.exec(toolName);
  if (mcp) return `claude.mcp.${sanitizeToolName(mcp[1] as string)}.${sanitizeToolName(mcp[2] as string)}`;
  return `claude.${sanitizeToolName(toolName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase())}`;
}

function parsePayload(text: string): Payload | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return 'the hook input is not JSON';
  }
  const p = raw as Record<string, unknown>;
  if (typeof p !== 'object' || p === null) return 'the hook input is not an object';
  if (p.hook_event_name !== undefined && p.hook_event_name !== 'PreToolUse')
    return `hook_event_name is ${String(p.hook_event_name)}; register this hook for PreToolUse`;
  if (typeof p.tool_name !== 'string' || p.tool_name === '') return 'tool_name is missing';
  if (typeof p.tool_input !== 'object' || p.tool_input === null || Array.isArray(p.tool_input))
    return 'tool_input is missing';
  return {
    session_id: typeof p.session_id === 'string' ? p.session_id : '',
    cwd: typeof p.cwd === 'string' && p.cwd !== '' ? p.cwd : process.cwd(),
    tool_name: p.tool_name,
    tool_input: p.tool_input as Record<string, unknown>,
  };
}

export async function runClaudeCodeHook(text: string, options: HookOptions): Promise<HookOutput> {
  const payload = parsePayload(text);
  if (typeof payload === 'string') {
    return options.mode === 'monitor'
      ? { systemMessage: `ActPass (monitor): ${payload}; nothing was checked.` }
      : deny(`ActPass request.invalid: ${payload}.`);
  }
  const session: SessionState = payload.session_id
    ? readSession(options.stateDir, payload.session_id)
    : { secret_read: false };
  const facts = await toolFacts(payload.tool_name, payload.tool_input, payload.cwd);
  const tool = claudeToolName(payload.tool_name);
  const decision = await options.client.preflight({
    goal: options.goal ?? 'coding_agent_tool_use',
    tool,
    args: payload.tool_input as never,
    mode: options.mode,
    context: {
      agent: 'claude-code',
      claude_tool: payload.tool_name,
      workspace: payload.cwd,
      facts,
      session,
    } as never,
  });
  const proceeds = options.mode === 'monitor' || decision.decision === 'allow';
  if (proceeds && facts.secret_read && payload.session_id && !session.secret_read) {
    try {
      writeSession(options.stateDir, payload.session_id, { ...session, secret_read: true });
    } catch {
      // Session memory is best effort; the rule it feeds fails towards asking, never towards allowing.
    }
  }
  return options.mode === 'monitor' ? advise(decision) : enforce(decision);
}

function reasonOf(decision: PreflightDecision): string {
  const held = decision.approval_request_id ? ` (approval ${decision.approval_request_id})` : '';
  return `ActPass ${decision.reason_code}: ${decision.explain.summary}${held}`;
}

function enforce(decision: PreflightDecision): HookOutput {
  if (decision.decision === 'allow') return output('allow', reasonOf(decision));
  if (decision.decision === 'require_approval') return output('ask', reasonOf(decision));
  return deny(reasonOf(decision));
}

function advise(decision: PreflightDecision): HookOutput {
  const would = decision.would_decision ?? decision.decision;
  if (would === 'allow') return {};
  return { systemMessage: `ActPass (monitor, not enforced): would ${would}. ${reasonOf(decision)}` };
}

function deny(reason: string): HookOutput {
  return output('deny', reason);
}

function output(permissionDecision: 'allow' | 'deny' | 'ask', reason: string): HookOutput {
  return {
    hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision, permissionDecisionReason: reason },
  };
}
