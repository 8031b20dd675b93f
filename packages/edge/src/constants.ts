/**
 * Limits and names of the edges: the enforcing proxies and the coding-agent hooks. The gateway keeps
 * its own constants; the few wire names both sides use (the agent-key header) are spelled in each.
 */

/** Header carrying the agent's own key beside the proxy's key, so the gateway decides as that agent. */
export const HEADER_AGENT_KEY = 'x-actpass-agent-key';

/** Widest a CLI table cell gets before it is cut with an ellipsis. */
export const CLI_CELL_MAX_CHARS = 48;

// The enforcing proxy.
/** Environment variable holding the proxy's own (`proxy`-role) key. */
export const PROXY_KEY_ENV = 'ACTPASS_PROXY_KEY';
export const PROXY_DEFAULT_HOST = '127.0.0.1';
export const PROXY_DEFAULT_PORT = 8788;
/** Per-attempt timeout of the proxy's preflight; the proxy answers 503 when no decision comes. */
export const PROXY_GATEWAY_TIMEOUT_MS = 5_000;
/** One retry: a proxy is on the request path, so it waits less than an SDK caller would. */
export const PROXY_GATEWAY_MAX_RETRIES = 1;
/** Connections a proxy keeps open to its gateway (requests beyond wait for a free one). */
export const PROXY_GATEWAY_MAX_SOCKETS = 64;
/** SDK clients a proxy keeps, one per agent key (the least recently used goes first past this). */
export const PROXY_AGENT_CLIENTS_MAX = 1_024;
/** Outcome records one preflight may carry (the contract's `outcomes` maxItems). */
export const PROXY_OUTCOMES_PER_PREFLIGHT_MAX = 16;
/** How long an outcome waits for its agent's next preflight before it goes by the evidence call. */
export const PROXY_OUTCOME_IDLE_FLUSH_MS = 100;
export const PROXY_UPSTREAM_TIMEOUT_MS = 30_000;
export const PROXY_REQUEST_MAX_BYTES = 1024 * 1024;
export const PROXY_RESPONSE_MAX_BYTES = 10 * 1024 * 1024;
/** Longest raw request target the proxy parses (path and query). */
export const PROXY_TARGET_MAX_CHARS = 8192;
/** The placeholder of a credential header template. */
export const PROXY_SECRET_PLACEHOLDER = '{secret}';
/** Headers the proxy reads from the agent and never forwards. */
export const PROXY_HEADER_GOAL = 'x-actpass-goal';
export const PROXY_HEADER_PASSPORT = 'x-actpass-passport';
export const PROXY_HEADER_APPROVAL = 'x-actpass-approval-request-id';
export const PROXY_HEADER_USER = 'x-actpass-user-id';
/** Headers the proxy adds to a forwarded response. */
export const PROXY_HEADER_DECISION = 'x-actpass-decision';
export const PROXY_HEADER_EVIDENCE = 'x-actpass-evidence-event-id';

// The REST proxy's admission: who may be routed at all, and how often.
/** Per agent key, a token bucket: sustained calls per minute and the burst above it. */
export const PROXY_AGENT_KEY_PER_MINUTE = 600;
export const PROXY_AGENT_KEY_BURST = 120;
/**
 * Per client address, checks of keys the proxy does not know yet: each costs a gateway round trip,
 * so a stream of made-up bearer strings is answered 429 after the burst without asking the gateway.
 */
export const PROXY_FAILED_AUTH_PER_MINUTE = 10;
export const PROXY_FAILED_AUTH_BURST = 20;
/** How long a key the gateway accepted is routed without asking again (every preflight still checks it). */
export const PROXY_KEY_VALID_TTL_MS = 60_000;
/** How long a key the gateway refused is answered 401 without asking again. */
export const PROXY_KEY_INVALID_TTL_MS = 60_000;
/** Most keys, clients and buckets the admission remembers; the oldest are forgotten first. */
export const PROXY_ADMISSION_MAX_ENTRIES = 10_000;
/** Longest excerpt of an agent-supplied string (a path, a field name) put in a log line or evidence. */
export const PROXY_LOGGED_TEXT_MAX_CHARS = 200;
/** The evidence event the proxy records, as the agent, for a request it refused before any decision. */
export const PROXY_REFUSAL_EVIDENCE_TYPE = 'proxy.request_refused';
/** The preflight context member listing what the agent, not the route, supplied (`goal`, `user_id`). */
export const PROXY_CONTEXT_AGENT_ASSERTED = 'agent_asserted';

// The MCP proxy.
/** Bounds of one upstream's listing (tools, resources, prompts): a server past any of them is left out. */
export const MCP_LIST_TIMEOUT_MS = 10_000;
export const MCP_LIST_MAX_PAGES = 50;
export const MCP_LIST_MAX_ITEMS = 1_000;
export const MCP_LIST_MAX_BYTES = 2 * 1024 * 1024;
/**
 * How long a server may take to start (launch and MCP initialize). A server still starting when a
 * listing's deadline passes is left out of that listing only; one that does not start in time failed.
 */
export const MCP_START_TIMEOUT_MS = 30_000;
/** After a failed listing, a server is left out without asking it again for this long. */
export const MCP_LIST_RETRY_AFTER_MS = 30_000;
/** How long an upstream tool call, resource read or prompt may take. */
export const MCP_UPSTREAM_CALL_TIMEOUT_MS = 60_000;
/** A crashed stdio upstream is restarted after a backoff that doubles from the first to the most. */
export const MCP_RESTART_FIRST_BACKOFF_MS = 250;
export const MCP_RESTART_MAX_BACKOFF_MS = 10_000;
/** Crashes in a row (no request answered in between) before the proxy stops restarting a server. */
export const MCP_RESTART_MAX_CONSECUTIVE = 5;
/** A server given up on is tried once more after this long (and given up on again if it crashes). */
export const MCP_RESTART_COOLDOWN_MS = 60_000;
/**
 * Argument names that hold file paths, for every upstream tool unless a server's `path_args` says
 * otherwise: a string (or list of strings) under one of these names with a `..` segment is refused.
 */
export const MCP_DEFAULT_PATH_ARGS: readonly string[] = [
  'path',
  'paths',
  'file',
  'files',
  'file_path',
  'filepath',
  'filename',
  'dir',
  'directory',
  'source',
  'destination',
  'src',
  'dest',
  'target',
  'root',
  'cwd',
];
/** Upstream list_changed notifications arriving during a re-listing cause one more, at most this often. */
export const MCP_LIST_CHANGED_MIN_INTERVAL_MS = 1_000;
/** How long an agent key the gateway accepted lets HTTP requests list and call without asking again. */
export const MCP_AGENT_KEY_VALID_TTL_MS = 30_000;
/** JSON-RPC error code of a refused resource read or prompt (the message starts `BLOCKED <reason>:`). */
export const MCP_BLOCKED_ERROR_CODE = -32001;
/** Secret values a proxy remembers for redaction (leased credentials, its upstreams' own); oldest go first. */
export const PROXY_KNOWN_SECRETS_MAX = 1_000;
/** The prefix of the session id the MCP proxy mints for each connection. */
export const MCP_SESSION_PREFIX = 'mcp';
