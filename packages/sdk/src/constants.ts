/**
 * Every default the SDK uses, in one place. The Python client mirrors these values; the retry vectors in
 * `packages/contract/vectors/retry/` pin the timing ones for both languages.
 */

/**
 * Where requests go when neither the `baseUrl` option nor `ACTPASS_BASE_URL` is set. There is no hosted
 * ActPass API in this repository: this is the address of the embedded gateway started by `actpass dev`.
 */
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8787';

/** Prefix of every versioned API path. */
export const API_PREFIX = '/api/v1';

/** Environment variables read when the matching option is absent. */
export const ENV_API_KEY = 'ACTPASS_API_KEY';
export const ENV_BASE_URL = 'ACTPASS_BASE_URL';
/** `debug`, `info`, `warn`, `error` or `off`: how much the SDK logs (the `logLevel` option wins). */
export const ENV_LOG = 'ACTPASS_LOG';

/** Timeout of ONE attempt (connect, headers and body), not of the whole call with its retries. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Overall deadline of one call across all its attempts and backoff waits. Without it a hung gateway
 * would hold `preflight()` for 3 × 10 s plus backoff; a backoff that would end past it is not taken.
 */
export const DEFAULT_DEADLINE_MS = 15_000;

/** Largest response body read, counted after decompression; a larger 2xx is `client.invalid_response`. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Retries after the first attempt, so a call makes at most `1 + DEFAULT_MAX_RETRIES` attempts. */
export const DEFAULT_MAX_RETRIES = 2;

/** Backoff before retry n (0-based) is `min(BASE × 2^n, CAP)`, minus up to JITTER of itself. */
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 8_000;
export const BACKOFF_JITTER = 0.25;

/** A server's Retry-After / retry-after-ms is obeyed only within [0, this]; beyond it we back off. */
export const RETRY_AFTER_CAP_MS = 60_000;

/** Statuses worth another attempt besides every 5xx: timeout, conflict (e.g. a lock), rate limit. */
export const RETRYABLE_STATUSES: readonly number[] = [408, 409, 429];

/** Mode used when neither the call nor the client names one. */
export const DEFAULT_MODE = 'enforce';

/** How often `approvals.waitFor` re-reads a pending approval. */
export const DEFAULT_APPROVAL_POLL_INTERVAL_MS = 1_000;

/** Risk tier stated on client-made decisions: the action's real tier is unknown, so assume it is high. */
export const CLIENT_DECISION_RISK_TIER = 'high';

/** Outcome records waiting to be sent in the background; past this a new one is dropped (and logged). */
export const OUTCOME_QUEUE_LIMIT = 1_000;

/** Outcome records sent at once by the background queue. */
export const OUTCOME_QUEUE_CONCURRENCY = 4;

/** Evidence type `guard()` records after running `execute`. */
export const OUTCOME_EVIDENCE_TYPE = 'action.outcome';

/** Sent as `x-actpass-sdk` so gateway logs can tell client versions apart. */
export const SDK_VERSION = '0.1.0';
