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
