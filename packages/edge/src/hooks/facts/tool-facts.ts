/**
 * The facts of one Claude Code tool call, by tool; the hook puts them in `context.facts`.
 *   Bash                                  → the shell facts of its command (shell-facts.ts)
 *   Edit, MultiEdit, Write, NotebookEdit  → the resolved path written: outside the workspace, secret
 *   Read, Grep, Glob                      → a secret file read
 *   WebFetch                              → network egress, internal URL
 *   mcp__<server>__<tool>                 → path-named arguments resolved (written unless the tool's
 *                                           name says it only reads), URL-named arguments checked
 * A tool input of the wrong shape never reads as harmless: it is opaque.
 */
import { defaultHome, insideWorkspace, isSecretPath, resolvedWorkspace, resolvePath } from './paths.js';
import { type FactsEnvironment, shellFacts } from './shell-facts.js';
import type { ToolFacts } from './types.js';
import { gatewayHostsFrom, hostOf, isInternalHost } from './urls.js';

const PATH_KEYS = new Set([
  'path',
  'file',
  'filepath',
  'file_path',
  'filename',
  'destination',
  'dest',
  'source',
  'src',
  'directory',
  'dir',
  'target',
  'notebook_path',
  'new_path',
  'old_path',
]);
const PATH_LIST_KEYS = new Set(['paths', 'files', 'sources']);
const URL_KEYS = new Set(['url', 'uri', 'href', 'endpoint', 'link']);
/** MCP tool names that only read (`read_file`, `list_directory`, `search_files`, `get_file_info`). */
const READING_TOOL = /(^|_)(read|list|get|search|stat|info|tree|view|find|show|describe|head|tail|cat)(_|$)/i;

export async function toolFacts(
  toolName: string,
  input: Record<string, unknown>,
  workspace: string,
  environment: FactsEnvironment = {},
): Promise<ToolFacts> {
  const env = environment.env ?? process.env;
  switch (toolName) {
    case 'Bash': {
      const command = input.command;
      if (typeof command !== 'string') return wrongShape('tool_input.command is not a string');
      return shellFacts(command, workspace, environment);
    }
    case 'Edit':
    case 'MultiEdit':
    case 'Write':
    case 'NotebookEdit': {
      const key =
        toolName === 'NotebookEdit' && input.notebook_path !== undefined ? 'notebook_path' : 'file_path';
      const path = input[key];
      if (typeof path !== 'string' || path === '') return wrongShape(`tool_input.${key} is not a path`);
      const facts: ToolFacts = {};
      written(facts, path, workspace, env);
      return facts;
    }
    case 'Read':
    case 'Grep':
    case 'Glob': {
      const facts: ToolFacts = {};
      for (const key of ['file_path', 'path']) {
        const value = input[key];
        if (typeof value === 'string' && value !== '' && secret(value, workspace, env)) markSecretRead(facts);
      }
      return facts;
    }
    case 'WebFetch': {
      const facts: ToolFacts = { network_egress: true };
      if (typeof input.url !== 'string') return { ...facts, ...wrongShape('tool_input.url is not a string') };
      url(facts, input.url, env);
      return facts;
    }
    case 'WebSearch':
      return { network_egress: true };
    default:
      return toolName.startsWith('mcp__') ? mcpFacts(toolName, input, workspace, env) : {};
  }
}

function wrongShape(reason: string): ToolFacts {
  return { opaque: true, opaque_reasons: [reason] };
}

function scopeOf(workspace: string, env: Record<string, string | undefined>) {
  return { root: resolvedWorkspace(workspace), home: defaultHome(env) };
}

function written(
  facts: ToolFacts,
  path: string,
  workspace: string,
  env: Record<string, string | undefined>,
): void {
  const { root, home } = scopeOf(workspace, env);
  const resolved = resolvePath(path, root, home);
  facts.writes = [...(facts.writes ?? []), resolved];
  if (!insideWorkspace(resolved, root)) facts.write_outside_workspace = true;
  if (isSecretPath(resolved) || isSecretPath(path)) {
    facts.secret_write = true;
    facts.writes_secret = true;
  }
}

function secret(path: string, workspace: string, env: Record<string, string | undefined>): boolean {
  const { root, home } = scopeOf(workspace, env);
  return isSecretPath(path) || isSecretPath(resolvePath(path, root, home));
}

function markSecretRead(facts: ToolFacts): void {
  facts.secret_read = true;
  facts.reads_secret = true;
}

function url(facts: ToolFacts, target: string, env: Record<string, string | undefined>): void {
  const host = hostOf(target);
  if (!host) return;
  facts.egress_hosts = [...(facts.egress_hosts ?? []), host.host];
  if (isInternalHost(host.hostname, { gatewayHosts: gatewayHostsFrom(env) }, host.host)) {
    facts.internal_url = true;
    facts.internal_hosts = [...(facts.internal_hosts ?? []), host.host];
  }
}

function mcpFacts(
  toolName: string,
  input: Record<string, unknown>,
  workspace: string,
  env: Record<string, string | undefined>,
): ToolFacts {
  const facts: ToolFacts = {};
  const tool = toolName.replace(/^mcp__.+?__/, '');
  const reading = READING_TOOL.test(tool);
  for (const [key, value] of Object.entries(input)) {
    const lower = key.toLowerCase();
    const paths = PATH_KEYS.has(lower)
      ? [value]
      : PATH_LIST_KEYS.has(lower) && Array.isArray(value)
        ? value
        : [];
    for (const path of paths) {
      if (typeof path !== 'string') {
        Object.assign(facts, wrongShape(`tool_input.${key} is not a path`));
        continue;
      }
      if (path === '') continue;
      if (reading) {
        if (secret(path, workspace, env)) markSecretRead(facts);
      } else written(facts, path, workspace, env);
    }
    if (URL_KEYS.has(lower) && typeof value === 'string') {
      facts.network_egress = true;
      url(facts, value, env);
    }
  }
  return facts;
}
