/**
 * The MCP proxy config's bounded fields: listing limits and how long a tool listing is reused (top
 * level, overridable per server), the restart policy of stdio upstreams, the bounds of Streamable HTTP
 * sessions and the path-taking arguments of a server's tools. Each parser reports problems by path and
 * falls back to the default so every problem is found in one pass.
 */
import {
  MCP_DEFAULT_PATH_ARGS,
  MCP_LIST_MAX_BYTES,
  MCP_LIST_MAX_ITEMS,
  MCP_LIST_MAX_PAGES,
  MCP_LIST_RETRY_AFTER_MS,
  MCP_LIST_TIMEOUT_MS,
  MCP_RESTART_COOLDOWN_MS,
  MCP_RESTART_FIRST_BACKOFF_MS,
  MCP_RESTART_MAX_BACKOFF_MS,
  MCP_RESTART_MAX_CONSECUTIVE,
  MCP_START_TIMEOUT_MS,
} from '../../constants.js';

export interface ListingLimits {
  /** The whole listing of one server (every page), waiting for it to start included. */
  timeoutMs: number;
  maxPages: number;
  /** Tools, resources or prompts in one listing. */
  maxItems: number;
  /** Serialized size of every page together. */
  maxBytes: number;
  /** How long a server whose listing failed is left out before it is asked again. */
  retryAfterMs: number;
  /** How long the server may take to start; until then a listing past its deadline just skips it. */
  startTimeoutMs: number;
  /**
   * How long one tool listing of this server is reused before it is asked again, unless the server
   * says its tools changed (`notifications/tools/list_changed`) or its connection stops first.
   */
  cacheTtlMs: number;
}

/** Streamable HTTP sessions (`Mcp-Session-Id`): each holds a server and a transport until it ends. */
export interface SessionLimits {
  /** A session with no request for this long is closed; its id then answers 404. */
  idleTimeoutMs: number;
  /** Open sessions per agent key; opening one more closes that key's least recently used session. */
  maxPerAgentKey: number;
  /** Open sessions in all; past it a new session is refused (503) until one ends. */
  maxTotal: number;
}

/** A tool listing is reused for a minute: a silent change upstream is seen within that time. */
export const MCP_TOOL_LIST_CACHE_TTL_MS = 60_000;
export const MCP_SESSION_IDLE_TIMEOUT_MS = 15 * 60_000;
export const MCP_SESSIONS_PER_AGENT_KEY = 8;
export const MCP_SESSIONS_MAX_TOTAL = 1_024;

export interface RestartPolicy {
  firstBackoffMs: number;
  maxBackoffMs: number;
  /** Crashes in a row, with nothing answered in between, before the server is given up on. */
  maxConsecutive: number;
  cooldownMs: number;
}

/** Per tool (upstream name, or `*` for every other tool): the argument names that hold file paths. */
export type PathArgs = ReadonlyMap<string, readonly string[]>;

export const DEFAULT_LISTING: ListingLimits = {
  timeoutMs: MCP_LIST_TIMEOUT_MS,
  maxPages: MCP_LIST_MAX_PAGES,
  maxItems: MCP_LIST_MAX_ITEMS,
  maxBytes: MCP_LIST_MAX_BYTES,
  retryAfterMs: MCP_LIST_RETRY_AFTER_MS,
  startTimeoutMs: MCP_START_TIMEOUT_MS,
  cacheTtlMs: MCP_TOOL_LIST_CACHE_TTL_MS,
};

export const DEFAULT_SESSIONS: SessionLimits = {
  idleTimeoutMs: MCP_SESSION_IDLE_TIMEOUT_MS,
  maxPerAgentKey: MCP_SESSIONS_PER_AGENT_KEY,
  maxTotal: MCP_SESSIONS_MAX_TOTAL,
};

export const DEFAULT_RESTART: RestartPolicy = {
  firstBackoffMs: MCP_RESTART_FIRST_BACKOFF_MS,
  maxBackoffMs: MCP_RESTART_MAX_BACKOFF_MS,
  maxConsecutive: MCP_RESTART_MAX_CONSECUTIVE,
  cooldownMs: MCP_RESTART_COOLDOWN_MS,
};

type Report = (path: string, message: string) => void;

const LISTING_FIELDS = {
  timeout_ms: 'timeoutMs',
  max_pages: 'maxPages',
  max_items: 'maxItems',
  max_bytes: 'maxBytes',
  retry_after_ms: 'retryAfterMs',
  start_timeout_ms: 'startTimeoutMs',
  cache_ttl_ms: 'cacheTtlMs',
} as const;

const SESSION_FIELDS = {
  idle_timeout_ms: 'idleTimeoutMs',
  max_per_agent_key: 'maxPerAgentKey',
  max_total: 'maxTotal',
} as const;

const RESTART_FIELDS = {
  first_backoff_ms: 'firstBackoffMs',
  max_backoff_ms: 'maxBackoffMs',
  max_consecutive: 'maxConsecutive',
  cooldown_ms: 'cooldownMs',
} as const;

export function parseListing(raw: unknown, path: string, fallback: ListingLimits, at: Report): ListingLimits {
  return parseCounts(raw, path, fallback, LISTING_FIELDS, at);
}

export function parseSessions(raw: unknown, path: string, at: Report): SessionLimits {
  const limits = parseCounts(raw, path, DEFAULT_SESSIONS, SESSION_FIELDS, at);
  if (limits.maxTotal < limits.maxPerAgentKey) at(`${path}.max_total`, 'must be at least max_per_agent_key');
  return limits;
}

export function parseRestart(raw: unknown, path: string, fallback: RestartPolicy, at: Report): RestartPolicy {
  const policy = parseCounts(raw, path, fallback, RESTART_FIELDS, at);
  if (policy.maxBackoffMs < policy.firstBackoffMs)
    at(`${path}.max_backoff_ms`, 'must be at least first_backoff_ms');
  return policy;
}

/** `["path", ...]` for every tool, or `{"<tool>": [...], "*": [...]}`; absent: the default names. */
export function parsePathArgs(raw: unknown, path: string, at: Report): PathArgs {
  const names = (value: unknown, where: string): string[] => {
    if (Array.isArray(value) && value.every((name) => typeof name === 'string' && name !== '')) return value;
    at(where, 'must be a list of argument names, e.g. ["path", "destination"]');
    return [...MCP_DEFAULT_PATH_ARGS];
  };
  if (raw === undefined) return new Map([['*', MCP_DEFAULT_PATH_ARGS]]);
  if (Array.isArray(raw)) return new Map([['*', names(raw, path)]]);
  if (typeof raw !== 'object' || raw === null) {
    at(path, 'must be a list of argument names or map tool names (or "*") to lists');
    return new Map([['*', MCP_DEFAULT_PATH_ARGS]]);
  }
  const map = new Map<string, readonly string[]>();
  for (const [tool, value] of Object.entries(raw)) map.set(tool, names(value, `${path}.${tool}`));
  return map;
}

function parseCounts<T extends object>(
  raw: unknown,
  path: string,
  fallback: T,
  fields: Record<string, keyof T>,
  at: Report,
): T {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    at(path, `must be an object with any of ${Object.keys(fields).join(', ')}`);
    return fallback;
  }
  const result = { ...fallback };
  for (const [key, value] of Object.entries(raw)) {
    const field = fields[key];
    if (field === undefined) {
      at(`${path}.${key}`, `unknown field; expected one of ${Object.keys(fields).join(', ')}`);
    } else if (!Number.isSafeInteger(value) || (value as number) < 1) {
      at(`${path}.${key}`, 'must be a whole number of at least 1');
    } else {
      (result as Record<keyof T, unknown>)[field] = value;
    }
  }
  return result;
}
