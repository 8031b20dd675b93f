/**
 * The MCP proxy's configuration, validated as a whole (every problem with its path): the upstream MCP
 * servers it fronts (a command to launch over stdio, or a Streamable HTTP URL), how to reach the
 * gateway, and what to do with tools nobody approved.
 */
import { PROXY_GATEWAY_MAX_RETRIES, PROXY_GATEWAY_TIMEOUT_MS, PROXY_KEY_ENV } from '../../constants.js';
import { type FilterSettings, parseFilterSettings } from '../../filter/index.js';
import { type FlowSettings, parseFlowSettings } from '../../flow/index.js';
import {
  DEFAULT_LISTING,
  DEFAULT_RESTART,
  type ListingLimits,
  type PathArgs,
  parseListing,
  parsePathArgs,
  parseRestart,
  parseSessions,
  type RestartPolicy,
  type SessionLimits,
} from './config-fields.js';

export type { ListingLimits, PathArgs, RestartPolicy, SessionLimits } from './config-fields.js';

interface UpstreamCommon {
  name: string;
  /** Bounds of this server's listings. */
  listing: ListingLimits;
  /** Which string arguments hold file paths (a `..` segment in one is refused before any decision). */
  pathArgs: PathArgs;
  /** What is filtered from this server's results before the agent sees them; null: nothing. */
  filter: FilterSettings | null;
  /** How this server's tools are classified for flow control; null: by the exposure scan's rules. */
  flow: FlowSettings | null;
}

export type McpUpstream =
  | (UpstreamCommon & {
      kind: 'stdio';
      command: string;
      args: string[];
      env: Record<string, string>;
      cwd?: string;
    })
  | (UpstreamCommon & { kind: 'http'; url: URL; headers: Record<string, string> });

export interface McpProxyConfig {
  gateway: { baseUrl: string | null; apiKeyEnv: string; timeoutMs: number; maxRetries: number };
  /** Environment variable with the agent key a stdio proxy acts for (HTTP callers send their own). */
  agentKeyEnv: string;
  /** `hold`: listed, but every call answers BLOCKED until approved; `refuse`: hidden and refused. */
  unapproved: 'hold' | 'refuse';
  goal: string;
  /** How crashed stdio upstreams are restarted. */
  restart: RestartPolicy;
  /** Bounds of the Streamable HTTP sessions `listen` keeps. */
  sessions: SessionLimits;
  servers: McpUpstream[];
}

export class McpConfigError extends Error {
  override readonly name = 'McpConfigError';
  constructor(readonly problems: string[]) {
    super(`MCP proxy config has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  }
}

const SERVER_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const TOP = new Set([
  'version',
  'gateway',
  'agent_key_env',
  'unapproved',
  'goal',
  'listing',
  'restart',
  'sessions',
  'servers',
]);

type Obj = Record<string, unknown>;

export function parseMcpProxyConfig(raw: unknown): McpProxyConfig {
  const problems: string[] = [];
  const at = (path: string, message: string) => problems.push(`${path}: ${message}`);
  if (!isObj(raw)) throw new McpConfigError(['(root): must be an object with servers']);
  for (const key of Object.keys(raw))
    if (!TOP.has(key)) at(key, `unknown field; expected one of ${[...TOP].join(', ')}`);
  const gw = isObj(raw.gateway) ? raw.gateway : {};
  const baseUrl = typeof gw.base_url === 'string' ? gw.base_url : null;
  if (gw.base_url !== undefined && (baseUrl === null || !/^https?:\/\//.test(baseUrl)))
    at('gateway.base_url', 'must be an http(s) URL');
  const unapproved = raw.unapproved ?? 'refuse';
  if (unapproved !== 'hold' && unapproved !== 'refuse') at('unapproved', 'must be "hold" or "refuse"');
  const listing = parseListing(raw.listing, 'listing', DEFAULT_LISTING, at);
  const restart = parseRestart(raw.restart, 'restart', DEFAULT_RESTART, at);
  const sessions = parseSessions(raw.sessions, 'sessions', at);
  const servers: McpUpstream[] = [];
  if (!isObj(raw.servers) || Object.keys(raw.servers).length === 0) {
    at('servers', 'must map server names to {command, args?, env?} or {url, headers?}');
  } else {
    for (const [name, value] of Object.entries(raw.servers)) {
      const path = `servers.${name}`;
      if (!SERVER_NAME.test(name)) at(path, 'server names are 1-64 characters of A-Z, a-z, 0-9, "_" or "-"');
      if (!isObj(value)) {
        at(path, 'must be {command, args?, env?} or {url, headers?}');
        continue;
      }
      const common: UpstreamCommon = {
        name,
        listing: parseListing(value.listing, `${path}.listing`, listing, at),
        pathArgs: parsePathArgs(value.path_args, `${path}.path_args`, at),
        filter: parseFilterSettings(
          value.filter,
          `${path}.filter`,
          ['strip_hidden', 'block_instructions', 'patterns'],
          at,
        ),
        flow: parseFlowSettings(value.flow, `${path}.flow`, at),
      };
      if (typeof value.command === 'string' && value.command !== '') {
        const args = Array.isArray(value.args) ? value.args : [];
        if (
          value.args !== undefined &&
          (!Array.isArray(value.args) || !args.every((a) => typeof a === 'string'))
        )
          at(`${path}.args`, 'must be a list of strings');
        const env = isObj(value.env) ? value.env : {};
        if (
          value.env !== undefined &&
          (!isObj(value.env) || !Object.values(env).every((v) => typeof v === 'string'))
        )
          at(`${path}.env`, 'must map names to strings');
        servers.push({
          ...common,
          kind: 'stdio',
          command: value.command,
          args: args as string[],
          env: env as Record<string, string>,
          ...(typeof value.cwd === 'string' ? { cwd: value.cwd } : {}),
        });
      } else if (typeof value.url === 'string') {
        let url: URL | null = null;
        try {
          url = new URL(value.url);
        } catch {
          at(`${path}.url`, 'must be an http(s) URL');
        }
        if (url && url.protocol !== 'http:' && url.protocol !== 'https:')
          at(`${path}.url`, 'must be an http(s) URL');
        const headers = isObj(value.headers) ? (value.headers as Record<string, string>) : {};
        if (url) servers.push({ ...common, kind: 'http', url, headers });
      } else {
        at(path, 'needs a command (stdio) or a url (Streamable HTTP)');
      }
    }
  }
  const str = (value: unknown, path: string, fallback: string) => {
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || value === '') at(path, 'must be a non-empty string');
    return typeof value === 'string' ? value : fallback;
  };
  const config: McpProxyConfig = {
    gateway: {
      baseUrl,
      apiKeyEnv: str(gw.api_key_env, 'gateway.api_key_env', PROXY_KEY_ENV),
      timeoutMs: typeof gw.timeout_ms === 'number' ? gw.timeout_ms : PROXY_GATEWAY_TIMEOUT_MS,
      maxRetries: typeof gw.max_retries === 'number' ? gw.max_retries : PROXY_GATEWAY_MAX_RETRIES,
    },
    agentKeyEnv: str(raw.agent_key_env, 'agent_key_env', 'ACTPASS_API_KEY'),
    unapproved: unapproved === 'hold' ? 'hold' : 'refuse',
    goal: str(raw.goal, 'goal', 'mcp_tool_call'),
    restart,
    sessions,
    servers,
  };
  if (problems.length > 0) throw new McpConfigError(problems);
  return config;
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
