/**
 * Reading one Cursor hook payload strictly and translating it into the shared tool call. Cursor writes
 * `{conversation_id, generation_id, hook_event_name, workspace_roots, …}` plus, per event:
 *   beforeShellExecution  `command`, `cwd`                 → Bash
 *   beforeMCPExecution    `tool_name`, `tool_input`, and the server's `url` or `command`
 *                                                          → mcp__cursor__<tool_name>
 *   beforeReadFile        `file_path` (and the `content`, which is never forwarded) → Read
 * A field the hook decides on with another type, a missing field or another event is refused with a
 * reason naming it: it would otherwise read as empty and the call would look harmless.
 */
import { isAbsolute as isAbsolutePath, relative } from 'node:path';
import {
  type AgentCall,
  isProblem,
  kindOf,
  optionalString,
  parseObject,
  requiredString,
  shown,
  type Translation,
} from '../shared/call.js';

export const CURSOR_EVENTS = ['beforeShellExecution', 'beforeMCPExecution', 'beforeReadFile'] as const;
export type CursorEvent = (typeof CURSOR_EVENTS)[number];

export type CursorReading = Translation & { event?: CursorEvent };

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolutePath(rel));
}

/** The workspace roots: a non-empty array of absolute paths. */
function rootsOf(fields: Record<string, unknown>): string[] | { problem: string } {
  const roots = fields.workspace_roots;
  if (!Array.isArray(roots) || roots.length === 0)
    return { problem: `workspace_roots must be a non-empty array of absolute paths, not ${kindOf(roots)}` };
  for (const [index, root] of roots.entries()) {
    if (typeof root !== 'string' || !isAbsolutePath(root))
      return { problem: `workspace_roots[${index}] must be an absolute path string` };
  }
  return roots as string[];
}

/** MCP arguments: Cursor sends them as a JSON string of an object (an object is accepted too). */
function mcpInput(value: unknown): Record<string, unknown> | { problem: string } {
  let input = value;
  if (typeof value === 'string') {
    try {
      input = value.trim() === '' ? {} : JSON.parse(value);
    } catch {
      return { problem: 'tool_input is a string that is not JSON' };
    }
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { problem: `tool_input must be an object (or its JSON text), not ${kindOf(input)}` };
  return input as Record<string, unknown>;
}

export function readCursorPayload(text: string): CursorReading {
  const parsed = parseObject(text);
  if (!parsed.ok) return parsed;
  const fields = parsed.value;
  const event = fields.hook_event_name;
  if (typeof event !== 'string' || !(CURSOR_EVENTS as readonly string[]).includes(event)) {
    const what = typeof event === 'string' ? shown(event) : kindOf(event);
    return {
      ok: false,
      problem: `hook_event_name is ${what}; register this hook for beforeShellExecution, beforeMCPExecution or beforeReadFile`,
    };
  }
  const fail = (problem: string): CursorReading => ({ ok: false, problem, event: event as CursorEvent });
  const conversation = requiredString(fields, 'conversation_id');
  if (isProblem(conversation)) return fail(conversation.problem);
  const roots = rootsOf(fields);
  if (isProblem(roots)) return fail(roots.problem);
  const transcript = optionalString(fields, 'transcript_path');
  if (isProblem(transcript)) return fail(transcript.problem);
  const base = {
    session_id: conversation,
    cwd: roots[0] as string,
    ...(transcript ? { transcript_path: transcript } : {}),
  };
  let call: AgentCall;
  switch (event as CursorEvent) {
    case 'beforeShellExecution': {
      const command = requiredString(fields, 'command');
      if (isProblem(command)) return fail(command.problem);
      const cwd = optionalString(fields, 'cwd');
      if (isProblem(cwd)) return fail(cwd.problem);
      let workspace = base.cwd;
      if (cwd) {
        // Paths in the command are resolved against the root the shell runs in; a shell outside
        // every root would have its relative paths misjudged, so it is refused.
        if (!isAbsolutePath(cwd)) return fail('cwd must be an absolute path');
        const root = roots.find((candidate) => inside(cwd, candidate));
        if (root === undefined) return fail(`cwd (${shown(cwd)}) is outside every workspace root`);
        workspace = root;
      }
      call = { ...base, cwd: workspace, tool_name: 'Bash', tool_input: { command }, agent_tool: 'shell' };
      break;
    }
    case 'beforeMCPExecution': {
      const tool = requiredString(fields, 'tool_name');
      if (isProblem(tool)) return fail(tool.problem);
      const input = mcpInput(fields.tool_input);
      if (isProblem(input)) return fail(input.problem);
      call = { ...base, tool_name: `mcp__cursor__${tool}`, tool_input: input, agent_tool: `mcp:${tool}` };
      break;
    }
    case 'beforeReadFile': {
      const path = requiredString(fields, 'file_path');
      if (isProblem(path)) return fail(path.problem);
      call = { ...base, tool_name: 'Read', tool_input: { file_path: path }, agent_tool: 'read_file' };
      break;
    }
  }
  return { ok: true, call, event: event as CursorEvent };
}
