/**
 * Gateway defaults in one place (STYLE: no magic numbers in the request path). Concept folders
 * (policy, passport, ledger, vault) keep their own constants; these are the assembly's.
 */

export const API_PREFIX = '/api/v1';
export const DEFAULT_ISSUER = 'actpass-gateway';
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8787;

/** Request bodies above this are refused before parsing; the largest honest body (a policy) is far below. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Idle keep-alive sockets are closed after this; long enough for benchmark and SDK connection reuse. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** Slow-loris guard: a request must arrive completely within this. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** SPEC §2: an Idempotency-Key replays its stored response for 24 h. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a pending approval request waits for an approver before it expires. */
export const APPROVAL_TTL_MS = 24 * 60 * 60 * 1000;

export const REQUEST_ID_PREFIX = 'req_';
export const APPROVAL_ID_PREFIX = 'apr_';
/** 128 random bits for every id the gateway mints. */
export const ID_RANDOM_BYTES = 16;

/** The policy in force for a tenant configured without one: deny everything, visibly. */
export const DENY_ALL_POLICY = Object.freeze({
  id: 'actpass.default-deny',
  version: 1,
  default: { decision: 'deny', reason: 'policy.no_match', risk_tier: 'high' },
  rules: [],
});

/**
 * Decisions the gateway makes before (or instead of) the policy: a refused passport, a drifted tool,
 * an approval that cannot be honoured. Their tier says how serious it is to ignore them.
 */
export const RISK_TIER_REFUSED_DELEGATION = 'high';
export const RISK_TIER_TOOL_DRIFT = 'high';

/** Ledger event types the gateway writes itself; `POST /evidence` refuses them so they cannot be forged. */
export const RESERVED_EVIDENCE_TYPES: readonly string[] = ['decision', 'tool.approved', 'policy.updated'];
export const RESERVED_EVIDENCE_PREFIXES: readonly string[] = ['approval.', 'passport.', 'credential.'];

/** Header names, lower-case as node and fetch both normalise them. */
export const HEADER_REQUEST_ID = 'x-request-id';
export const HEADER_TENANT_HINT = 'x-actpass-tenant';
export const HEADER_IDEMPOTENCY_KEY = 'idempotency-key';
/** Set on a replayed idempotent response so clients and tests can tell. */
export const HEADER_IDEMPOTENT_REPLAY = 'idempotent-replayed';

export const VAULT_KEY_ENV = 'ACTPASS_VAULT_KEY';

/** The contract's default lease lifetime for a credential stored without `lease_ttl_seconds`. */
export const CREDENTIAL_LEASE_TTL_DEFAULT_SECONDS = 60;
