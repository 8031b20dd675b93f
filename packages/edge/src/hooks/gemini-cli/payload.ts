/**
 * Reading one Gemini CLI BeforeTool payload strictly and translating it into the shared tool call.
 * Gemini CLI writes `{session_id, transcript_path, cwd, hook_event_name: "BeforeTool", timestamp,
 * tool_name, tool_input, mcp_context?}`. Its built-in tools map onto Claude Code's vocabulary:
 *   run_shell_command → Bash          write_file → Write          replace → Edit
 *   read_file → Read                  glob → Glob                 search_file_content → Grep
 *   list_directory → LS               web_fetch → WebFetch (its one URL)   google_web_search → WebSearch
 *   read_many_files → a reading tool over its `include` paths
 * MCP tools (with `mcp_context`, or named `<server>__<tool>`) and any other tool become
 * mcp__<server>__<tool>, whose path- and URL-named arguments are checked like Claude Code's MCP tools.
 * A field with another type, a missing field or another event is refused with a reason naming it.
 */
import { isAbsolute } from 'node:path';
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

type Input = Record<string, unknown>;
type Mapped = { tool_name: string; tool_input: Input } | { problem: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s"'<>]+/gi;

function str(input: Input, name: string, tool: string): string | { problem: string } {
  return requiredString(input, name, `tool_input.${name} for ${tool}`);
}

function opt(input: Input, name: string, tool: string): string | undefined | { problem: string } {
  return optionalString(input, name, `tool_input.${name} for ${tool}`);
}

/** Copies the optional string fields that are present, or the first problem. */
function withOptional(input: Input, tool: string, names: string[], into: Input): Input | { problem: string } {
  for (const name of names) {
    const value = opt(input, name, tool);
    if (isProblem(value)) return value;
    if (value !== undefined) into[name] = value;
  }
  return into;
}

function builtIn(tool: string, input: Input): Mapped | undefined {
  switch (tool) {
    case 'run_shell_command': {
      const command = str(input, 'command', tool);
      if (isProblem(command)) return command;
      const directory = opt(input, 'directory', tool);
      if (isProblem(directory)) return directory;
      // The command's paths are resolved against the workspace: a directory leaving it (absolute, or
      // climbing with ..) would have them misjudged, so it is refused.
      if (directory && (isAbsolute(directory) || directory.split(/[\\/]/).includes('..')))
        return { problem: `tool_input.directory for ${tool} must be a path inside the workspace` };
      return { tool_name: 'Bash', tool_input: { command } };
    }
    case 'write_file': {
      const file_path = str(input, 'file_path', tool);
      if (isProblem(file_path)) return file_path;
      const content = input.content;
      if (typeof content !== 'string')
        return { problem: `tool_input.content for ${tool} must be a string, not ${kindOf(content)}` };
      return { tool_name: 'Write', tool_input: { file_path, content } };
    }
    case 'replace': {
      const file_path = str(input, 'file_path', tool);
      if (isProblem(file_path)) return file_path;
      for (const name of ['old_string', 'new_string']) {
        if (typeof input[name] !== 'string')
          return { problem: `tool_input.${name} for ${tool} must be a string, not ${kindOf(input[name])}` };
      }
      return {
        tool_name: 'Edit',
        tool_input: { file_path, old_string: input.old_string, new_string: input.new_string },
      };
    }
    case 'read_file': {
      // `absolute_path` in older releases, `file_path` in newer ones.
      const name =
        input.file_path === undefined && input.absolute_path !== undefined ? 'absolute_path' : 'file_path';
      const file_path = str(input, name, tool);
      if (isProblem(file_path)) return file_path;
      return { tool_name: 'Read', tool_input: { file_path } };
    }
    case 'glob':
    case 'search_file_content': {
      const pattern = str(input, 'pattern', tool);
      if (isProblem(pattern)) return pattern;
      const mapped = withOptional(input, tool, ['path'], { pattern });
      if (isProblem(mapped)) return mapped;
      return { tool_name: tool === 'glob' ? 'Glob' : 'Grep', tool_input: mapped };
    }
    case 'list_directory': {
      const path = str(input, 'path', tool);
      if (isProblem(path)) return path;
      return { tool_name: 'LS', tool_input: { path } };
    }
    case 'read_many_files': {
      const include = input.include ?? input.paths;
      if (!Array.isArray(include) || include.some((item) => typeof item !== 'string'))
        return { problem: `tool_input.include for ${tool} must be an array of strings` };
      return { tool_name: 'mcp__gemini-cli__read_many_files', tool_input: { paths: include } };
    }
    case 'web_fetch': {
      const prompt = str(input, 'prompt', tool);
      if (isProblem(prompt)) return prompt;
      const urls = prompt.match(URL_PATTERN) ?? [];
      // The facts check one URL per call; several in one prompt would let all but one go unchecked.
      if (urls.length > 1)
        return { problem: `tool_input.prompt for ${tool} names ${urls.length} URLs; fetch one URL per call` };
      if (urls.length === 0) return { tool_name: 'WebSearch', tool_input: { query: prompt } };
      return { tool_name: 'WebFetch', tool_input: { url: urls[0], prompt } };
    }
    case 'google_web_search': {
      const query = str(input, 'query', tool);
      if (isProblem(query)) return query;
      return { tool_name: 'WebSearch', tool_input: { query } };
    }
    default:
      return undefined;
  }
}

/** The MCP server and tool: from `mcp_context`, else a `<server>__<tool>` name, else Gemini CLI's own. */
function mcpName(tool: string, context: unknown): string | { problem: string } {
  if (context !== undefined) {
    if (typeof context !== 'object' || context === null || Array.isArray(context))
      return { problem: `mcp_context must be an object, not ${kindOf(context)}` };
    const server = requiredString(context as Input, 'server_name', 'mcp_context.server_name');
    if (isProblem(server)) return server;
    const own = (context as Input).tool_name;
    const name = typeof own === 'string' && own !== '' ? own : tool.replace(/^(mcp_+)?.+?__/, '');
    return `mcp__${server}__${name}`;
  }
  const named = /^(?:mcp_+)?(.+?)__(.+)$/.exec(tool);
  if (named) return `mcp__${named[1]}__${named[2]}`;
  return `mcp__gemini-cli__${tool}`;
}

export function readGeminiPayload(text: string): Translation {
  const parsed = parseObject(text);
  if (!parsed.ok) return parsed;
  const fields = parsed.value;
  if (fields.hook_event_name !== 'BeforeTool') {
    const event = fields.hook_event_name;
    const what = typeof event === 'string' ? shown(event) : kindOf(event);
    return { ok: false, problem: `hook_event_name is ${what}; register this hook for BeforeTool` };
  }
  const fail = (problem: string): Translation => ({ ok: false, problem });
  const session = requiredString(fields, 'session_id');
  if (isProblem(session)) return fail(session.problem);
  const cwd = requiredString(fields, 'cwd');
  if (isProblem(cwd)) return fail(cwd.problem);
  if (!isAbsolute(cwd)) return fail('cwd must be an absolute path');
  const transcript = optionalString(fields, 'transcript_path');
  if (isProblem(transcript)) return fail(transcript.problem);
  const tool = requiredString(fields, 'tool_name');
  if (isProblem(tool)) return fail(tool.problem);
  const input = fields.tool_input;
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return fail(`tool_input must be an object, not ${kindOf(input)}`);
  let mapped = fields.mcp_context === undefined ? builtIn(tool, input as Input) : undefined;
  if (mapped === undefined) {
    const name = mcpName(tool, fields.mcp_context);
    mapped = isProblem(name) ? name : { tool_name: name, tool_input: input as Input };
  }
  if (isProblem(mapped)) return fail(mapped.problem);
  const call: AgentCall = {
    session_id: session,
    cwd,
    ...(transcript ? { transcript_path: transcript } : {}),
    tool_name: mapped.tool_name,
    tool_input: mapped.tool_input,
    agent_tool: tool,
  };
  return { ok: true, call };
}
