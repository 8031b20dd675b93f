/**
 * Reading one PreToolUse payload strictly. Every field the hook decides on must have the type Claude
 * Code documents: a `command` that is an array, a `file_path` that is an object or a missing `url` would
 * otherwise read as empty and derive no facts, so the call would look harmless. Anything unexpected is
 * refused with a reason naming the field; extra fields Claude Code may add later are passed through.
 */
import { isAbsolute } from 'node:path';
import { escapeUnsafe } from '../../text/index.js';
import { kindOf } from '../shared/call.js';
import { HOOK_INPUT_MAX_BYTES, HOOK_INPUT_MAX_DEPTH } from './defaults.js';

export interface Payload {
  session_id: string;
  cwd: string;
  /** Where Claude Code keeps this session's transcript; a witness that the session already ran tools. */
  transcript_path?: string;
  tool_name: string;
  tool_input: Record<string, unknown>;
}

export type PayloadReading = { ok: true; payload: Payload } | { ok: false; problem: string };

type FieldType = 'string' | 'path' | 'number' | 'boolean' | 'strings' | 'edits';

interface FieldSpec {
  type: FieldType;
  required?: true;
}

/**
 * The input fields of Claude Code's built-in tools that the hook reads or that a rule may test. `path`
 * is a string that must not be empty (an empty path would be checked as the workspace itself).
 */
const TOOL_FIELDS: Record<string, Record<string, FieldSpec>> = {
  Bash: {
    command: { type: 'string', required: true },
    description: { type: 'string' },
    timeout: { type: 'number' },
    run_in_background: { type: 'boolean' },
  },
  Edit: {
    file_path: { type: 'path', required: true },
    old_string: { type: 'string', required: true },
    new_string: { type: 'string', required: true },
    replace_all: { type: 'boolean' },
  },
  MultiEdit: {
    file_path: { type: 'path', required: true },
    edits: { type: 'edits', required: true },
  },
  Write: {
    file_path: { type: 'path', required: true },
    content: { type: 'string', required: true },
  },
  NotebookEdit: {
    notebook_path: { type: 'path', required: true },
    new_source: { type: 'string', required: true },
    cell_id: { type: 'string' },
    cell_type: { type: 'string' },
    edit_mode: { type: 'string' },
  },
  Read: {
    file_path: { type: 'path', required: true },
    offset: { type: 'number' },
    limit: { type: 'number' },
  },
  WebFetch: { url: { type: 'path', required: true }, prompt: { type: 'string', required: true } },
  WebSearch: {
    query: { type: 'string', required: true },
    allowed_domains: { type: 'strings' },
    blocked_domains: { type: 'strings' },
  },
  Glob: { pattern: { type: 'string', required: true }, path: { type: 'path' } },
  Grep: { pattern: { type: 'string', required: true }, path: { type: 'path' }, glob: { type: 'string' } },
  LS: { path: { type: 'path', required: true } },
};

/** A name the agent chose (an input key), safe to put in a reason: escaped and cut short. */
function shown(name: string): string {
  const safe = escapeUnsafe(name);
  return safe.length > 40 ? `${safe.slice(0, 40)}…` : safe;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The first string (key or value) with a NUL or a lone surrogate, or nesting past the limit. `at` is
 * the field's path (`tool_input.command`); the empty path is the payload itself.
 */
function treeProblem(value: unknown, at: string, depth: number): string | undefined {
  if (depth > HOOK_INPUT_MAX_DEPTH)
    return `${at || 'the hook input'} nests deeper than ${HOOK_INPUT_MAX_DEPTH} levels`;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return `${at} contains a NUL character`;
    if (LONE_SURROGATE.test(value)) return `${at} contains a lone surrogate (not valid Unicode text)`;
    return undefined;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return `${at} is not a finite number`;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = treeProblem(item, `${at}[${index}]`, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = treeProblem(key, `a key in ${at || 'the hook input'}`, depth + 1);
      if (keyProblem) return keyProblem;
      const problem = treeProblem(item, at ? `${at}.${shown(key)}` : shown(key), depth + 1);
      if (problem) return problem;
    }
  }
  return undefined;
}

function fieldProblem(value: unknown, spec: FieldSpec, at: string): string | undefined {
  if (value === undefined) return spec.required ? `${at} is missing` : undefined;
  switch (spec.type) {
    case 'string':
      return typeof value === 'string' ? undefined : `${at} must be a string, not ${kindOf(value)}`;
    case 'path':
      if (typeof value !== 'string') return `${at} must be a string, not ${kindOf(value)}`;
      return value.trim() === '' ? `${at} is empty` : undefined;
    case 'number':
      return typeof value === 'number' ? undefined : `${at} must be a number, not ${kindOf(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${at} must be true or false, not ${kindOf(value)}`;
    case 'strings':
      if (!Array.isArray(value)) return `${at} must be an array of strings, not ${kindOf(value)}`;
      for (const [index, item] of value.entries()) {
        if (typeof item !== 'string') return `${at}[${index}] must be a string, not ${kindOf(item)}`;
      }
      return undefined;
    case 'edits':
      if (!Array.isArray(value) || value.length === 0)
        return `${at} must be a non-empty array of edits, not ${kindOf(value)}`;
      for (const [index, edit] of value.entries()) {
        const where = `${at}[${index}]`;
        if (typeof edit !== 'object' || edit === null || Array.isArray(edit))
          return `${where} must be an object, not ${kindOf(edit)}`;
        const fields = edit as Record<string, unknown>;
        const problem =
          fieldProblem(fields.old_string, { type: 'string', required: true }, `${where}.old_string`) ??
          fieldProblem(fields.new_string, { type: 'string', required: true }, `${where}.new_string`) ??
          fieldProblem(fields.replace_all, { type: 'boolean' }, `${where}.replace_all`);
        if (problem) return problem;
      }
      return undefined;
  }
}

function toolInputProblem(toolName: string, input: Record<string, unknown>): string | undefined {
  const fields = TOOL_FIELDS[toolName];
  if (!fields) return undefined;
  for (const [name, spec] of Object.entries(fields)) {
    const problem = fieldProblem(input[name], spec, `tool_input.${name}`);
    if (problem) return `${problem} for ${toolName}`;
  }
  return undefined;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The payload's text: valid UTF-8 within the size cap, or the problem. */
export function decodePayload(
  bytes: Uint8Array,
): { ok: true; text: string } | { ok: false; problem: string } {
  if (bytes.byteLength > HOOK_INPUT_MAX_BYTES)
    return { ok: false, problem: `the hook input is larger than ${HOOK_INPUT_MAX_BYTES} bytes` };
  try {
    return { ok: true, text: UTF8.decode(bytes) };
  } catch {
    return { ok: false, problem: 'the hook input is not valid UTF-8' };
  }
}

export function readPayload(text: string): PayloadReading {
  const refuse = (problem: string): PayloadReading => ({ ok: false, problem });
  if (text.length > HOOK_INPUT_MAX_BYTES)
    return refuse(`the hook input is larger than ${HOOK_INPUT_MAX_BYTES} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return refuse('the hook input is not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return refuse(`the hook input must be a JSON object, not ${kindOf(raw)}`);
  const p = raw as Record<string, unknown>;
  const tree = treeProblem(p, '', 0);
  if (tree) return refuse(tree);
  if (p.hook_event_name !== undefined && p.hook_event_name !== 'PreToolUse') {
    const event =
      typeof p.hook_event_name === 'string' ? shown(p.hook_event_name) : kindOf(p.hook_event_name);
    return refuse(`hook_event_name is ${event}; register this hook for PreToolUse`);
  }
  if (typeof p.tool_name !== 'string' || p.tool_name === '')
    return refuse(`tool_name must be a non-empty string, not ${kindOf(p.tool_name)}`);
  if (typeof p.tool_input !== 'object' || p.tool_input === null || Array.isArray(p.tool_input))
    return refuse(`tool_input must be an object, not ${kindOf(p.tool_input)}`);
  if (typeof p.session_id !== 'string' || p.session_id.trim() === '')
    return refuse(`session_id must be a non-empty string, not ${kindOf(p.session_id)}`);
  if (typeof p.cwd !== 'string' || !isAbsolute(p.cwd))
    return refuse(
      `cwd must be an absolute path string, not ${typeof p.cwd === 'string' ? 'a relative one' : kindOf(p.cwd)}`,
    );
  if (p.transcript_path !== undefined && typeof p.transcript_path !== 'string')
    return refuse(`transcript_path must be a string, not ${kindOf(p.transcript_path)}`);
  const input = p.tool_input as Record<string, unknown>;
  const problem = toolInputProblem(p.tool_name, input);
  if (problem) return refuse(problem);
  return {
    ok: true,
    payload: {
      session_id: p.session_id,
      cwd: p.cwd,
      ...(typeof p.transcript_path === 'string' && p.transcript_path !== ''
        ? { transcript_path: p.transcript_path }
        : {}),
      tool_name: p.tool_name,
      tool_input: input,
    },
  };
}
