/**
 * MCP server entries as MCP clients write them: `{command, args, env}` for stdio, `{url, headers}`
 * (optionally with `type`) for HTTP. Claude Desktop, Cursor and Claude Code keep them under
 * `mcpServers`; VS Code under `servers` (`.vscode/mcp.json`) or `mcp.servers` (settings.json).
 */
import { basename } from 'node:path';
import type { Gate, McpLaunch, Surface } from '../types.js';
import { containerEnvNames } from './launch-identity.js';
import { secretLocations } from './secret-values.js';

// Names, never values, of settings that look like a credential the server carries for itself.
export const CREDENTIAL_NAME =
  /token|secret|password|passwd|api[_-]?key|private[_-]?key|credential|auth|(^|_)pat$|(^|_)key$/i;

export interface ServerContext {
  /** Origins of the ActPass MCP proxy; an HTTP server at one of them is gated. */
  proxyOrigins: string[];
  /**
   * Reads the config of an `actpass mcp serve --config FILE` entry (FILE as written, and the client
   * config naming it), so the servers behind the proxy are inventoried; undefined when unreadable.
   */
  readProxyConfig?: (file: string, from: string) => unknown;
}

/** The `--config` of a launch that runs the ActPass MCP proxy (`actpass mcp serve --config FILE`). */
export function proxyConfigOf(launch: McpLaunch): string | undefined {
  if (launch.transport !== 'stdio') return undefined;
  const args = launch.args;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--config') return args[i + 1];
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
  }
  return undefined;
}

/**
 * The config of the ActPass MCP proxy (what `actpass mcp wrap` writes): `servers` beside only the
 * proxy's own keys, at least one of which no MCP client uses.
 */
export function isProxyConfig(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const record = json as Record<string, unknown>;
  const proxyOnly = ['version', 'gateway', 'agent_key_env', 'unapproved', 'goal', 'listing', 'restart'];
  const keys = Object.keys(record);
  return (
    typeof record.servers === 'object' &&
    keys.every((k) => k === 'servers' || proxyOnly.includes(k)) &&
    keys.some((k) => proxyOnly.includes(k))
  );
}

export function readServers(
  source: string,
  servers: unknown,
  context: ServerContext,
  problems: string[],
  at: string,
  behind: Gate | null = null,
): Surface[] {
  if (typeof servers !== 'object' || servers === null || Array.isArray(servers)) {
    problems.push(`${at}: must be an object of server name → {command, args} or {url}`);
    return [];
  }
  const surfaces: Surface[] = [];
  for (const [name, raw] of Object.entries(servers)) {
    const entry = raw as Record<string, unknown> | null;
    const here = `${at}.${name}`;
    if (typeof entry !== 'object' || entry === null) {
      problems.push(`${here}: must be an object with command or url`);
      continue;
    }
    const launch = launchOf(entry, here, problems);
    if (!launch) continue;
    const proxied = isActpassProxy(launch, context);
    // Followed one level only: a proxy config naming another proxy cannot send the scan in circles.
    const proxyConfig = proxied && behind === null ? proxyConfigOf(launch) : undefined;
    const fronted = proxyConfig !== undefined ? context.readProxyConfig?.(proxyConfig, source) : undefined;
    if (fronted !== undefined && isProxyConfig(fronted)) {
      // The proxy's own entry is a door, not a tool surface: what stands behind it is what the agent can do.
      const inner: string[] = [];
      surfaces.push(
        ...readServers(
          proxyConfig as string,
          (fronted as { servers: unknown }).servers,
          context,
          inner,
          'servers',
          'mcp-proxy',
        ),
      );
      for (const problem of inner) problems.push(`${here} → ${proxyConfig}: ${problem}`);
      continue;
    }
    surfaces.push({
      kind: 'mcp-server',
      name,
      source: `${source}#${name}`,
      capabilities: [],
      gate: behind ?? (proxied ? 'mcp-proxy' : null),
      ownCredentials: credentialNames(launch),
      launch,
    });
  }
  return surfaces;
}

function launchOf(entry: Record<string, unknown>, at: string, problems: string[]): McpLaunch | undefined {
  // `url` (most clients), `serverUrl` (Windsurf), `httpUrl` (Gemini CLI): a remote server.
  const url = [entry.url, entry.serverUrl, entry.httpUrl].find((u) => typeof u === 'string');
  if (typeof url === 'string') {
    return { transport: 'http', url, headers: stringRecord(entry.headers) };
  }
  if (typeof entry.command === 'string' && entry.command.length > 0) {
    const args = Array.isArray(entry.args)
      ? entry.args.filter((a): a is string => typeof a === 'string')
      : [];
    return { transport: 'stdio', command: entry.command, args, env: stringRecord(entry.env) };
  }
  problems.push(`${at}: has neither a command nor a url (or Windsurf's serverUrl)`);
  return undefined;
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/** A server launched through `actpass mcp …`, or reached at the proxy's URL, goes through ActPass. */
export function isActpassProxy(launch: McpLaunch, context: ServerContext): boolean {
  if (launch.transport === 'http') {
    const origin = originOf(launch.url);
    return origin !== undefined && context.proxyOrigins.includes(origin);
  }
  const words = [launch.command, ...launch.args];
  const runsActpass = words.some((word) => {
    const base = basename(word).replace(/\.(cmd|exe|js|mjs)$/i, '');
    return (
      base === 'actpass' ||
      word.startsWith('@actpass/gateway') ||
      /[/\\]gateway[/\\]dist[/\\]cli\.js$/.test(word)
    );
  });
  return runsActpass && launch.args.includes('mcp');
}

export function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function credentialNames(launch: McpLaunch): string[] {
  const names = launch.transport === 'stdio' ? Object.keys(launch.env) : Object.keys(launch.headers);
  const found = names.filter((name) => CREDENTIAL_NAME.test(name));
  // `docker run -e GITHUB_TOKEN …` hands the container a credential by name too.
  found.push(...containerEnvNames(launch).filter((name) => CREDENTIAL_NAME.test(name)));
  // And a secret can sit under any name, or in an argument: found by its value, reported by location.
  found.push(...secretLocations(launch, new Set(found)));
  if (launch.transport === 'stdio') {
    // A token passed on the command line (`--token=…`, `--api-key …`) is a credential too; its value
    // is never kept in the report, only the flag's name.
    for (const arg of launch.args) {
      const flag = /^--?([A-Za-z][\w-]*)/.exec(arg)?.[1];
      if (flag && CREDENTIAL_NAME.test(flag)) found.push(`--${flag}`);
    }
  }
  return [...new Set(found)].sort();
}
