/**
 * The agent-neutral tool call the Cursor and Gemini CLI hooks decide on. Each agent's payload is read
 * strictly by its own module and translated into this shape, in Claude Code's tool vocabulary (Bash,
 * Read, Write, Edit, WebFetch, mcp__<server>__<tool>), so the one shell parser, the one facts module,
 * the session memory and the coding-agents pack apply to every agent exactly as they do to Claude Code.
 */
import { isAbsolute } from 'node:path';
import { escapeUnsafe } from '../../text/index.js';

export interface AgentCall {
  /** The agent's session (Cursor's conversation, Gemini CLI's session). */
  session_id: string;
  /** The workspace root the call's paths are resolved against. */
  cwd: string;
  transcript_path?: string;
  /** The tool in Claude Code's vocabulary. */
  tool_name: string;
  tool_input: Record<string, unknown>;
  /** The agent's own name for the tool, for the ledger. */
  agent_tool: string;
}

export type Translation = { ok: true; call: AgentCall } | { ok: false; problem: string };

/** The Claude Code PreToolUse payload carrying the call, read again (strictly) by the shared hook. */
export function claudeShapedPayload(call: AgentCall): string {
  return JSON.stringify({
    session_id: call.session_id,
    cwd: call.cwd,
    ...(call.transcript_path !== undefined ? { transcript_path: call.transcript_path } : {}),
    hook_event_name: 'PreToolUse',
    tool_name: call.tool_name,
    tool_input: call.tool_input,
  });
}

export function kindOf(value: unknown): string {
  // "missing", not "a undefined": the reason is read by a person fixing their hook's configuration.
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** An agent-chosen string safe to quote in a reason: control, bidi and ANSI characters escaped, cut short. */
export function shown(text: string): string {
  const safe = escapeUnsafe(text);
  return safe.length > 60 ? `${safe.slice(0, 60)}…` : safe;
}

/** The JSON object the agent wrote, or the problem with it. */
export function parseObject(
  text: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'the hook input is not JSON' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, problem: `the hook input must be a JSON object, not ${kindOf(raw)}` };
  return { ok: true, value: raw as Record<string, unknown> };
}

/** A required non-empty string field, or the problem naming it. */
export function requiredString(
  fields: Record<string, unknown>,
  name: string,
  at = name,
): string | { problem: string } {
  const value = fields[name];
  if (typeof value !== 'string') return { problem: `${at} must be a non-empty string, not ${kindOf(value)}` };
  if (value.trim() === '') return { problem: `${at} is empty` };
  return value;
}

/** An optional string field: undefined when absent, the problem when of another type. */
export function optionalString(
  fields: Record<string, unknown>,
  name: string,
  at = name,
): string | undefined | { problem: string } {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return { problem: `${at} must be a string, not ${kindOf(value)}` };
  return value;
}

export function isProblem(value: unknown): value is { problem: string } {
  return typeof value === 'object' && value !== null && 'problem' in value;
}

export function absolutePath(value: string): boolean {
  return isAbsolute(value);
}
