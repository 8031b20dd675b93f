/**
 * Every gateway default in one place (STYLE: one constants module per package, no magic numbers in the
 * request path). The policy language's own vocabulary (operators, path roots, decisions) is defined
 * with the language in `policy/constants.ts`.
 */

export const API_PREFIX = '/api/v1';
export const DEFAULT_ISSUER = 'actpass-gateway';
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8787;

/** Request bodies above this are refused before parsing; the largest honest body (a policy) is far below. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** JSON bodies nest at most this deep (the outermost object is level 1). */
export const MAX_BODY_DEPTH = 64;
/** Idle keep-alive sockets are closed after this; long enough for benchmark and SDK connection reuse. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** Slow-loris guard: a request must arrive completely within this. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** An Idempotency-Key replays its stored response for 24 h. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a pending approval request waits for an approver before it expires. */
export const APPROVAL_TTL_MS = 24 * 60 * 60 * 1000;

export const REQUEST_ID_PREFIX = 'req_';
export const APPROVAL_ID_PREFIX = 'apr_';
export const SUSPENSION_ID_PREFIX = 'sus_';
/**
 * How old a process's copy of a tenant's active suspensions may be before a preflight reads the store
 * again: the bound on how long a suspension made on another process sharing the store takes to apply
 * everywhere (well inside the one second promised).
 */
export const SUSPENSION_REFRESH_MS = 250;
/** How often a process deletes rate-limit and budget counters whose window has ended (PostgreSQL). */
export const LIMIT_SWEEP_INTERVAL_MS = 60_000;
/** How many times a preflight re-evaluates after losing a limit charge to a concurrent one (then 503). */
export const LIMIT_CHARGE_ATTEMPTS = 8;
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

/**
 * The gateway's event namespaces. `POST /evidence` refuses a type that is one of them or
 * starts with one and a dot, so gateway events cannot be forged; the one exception is below.
 */
export const GATEWAY_EVIDENCE_NAMESPACES: readonly string[] = [
  'decision',
  'approval',
  'passport',
  'credential',
  'tool',
  'policy',
  'keyset',
  'ledger',
  'evidence',
  'action',
  'suspension',
];
/** The outcome record the SDKs and the enforcing proxy write as the agent: the one writable gateway type. */
export const OUTCOME_EVIDENCE_TYPE = 'action.outcome';

/** Header names, lower-case as node and fetch both normalise them. */
export const HEADER_REQUEST_ID = 'x-request-id';
export const HEADER_TENANT_HINT = 'x-actpass-tenant';
/** The agent key the enforcing proxy presents beside its own. */
export const HEADER_AGENT_KEY = 'x-actpass-agent-key';
export const HEADER_IDEMPOTENCY_KEY = 'idempotency-key';
/** Set on a replayed idempotent response so clients and tests can tell. */
export const HEADER_IDEMPOTENT_REPLAY = 'idempotent-replayed';

export const VAULT_KEY_ENV = 'ACTPASS_VAULT_KEY';

/** The contract's default lease lifetime for a credential stored without `lease_ttl_seconds`. */
export const CREDENTIAL_LEASE_TTL_DEFAULT_SECONDS = 60;

// ─── Evidence ledger ───

export const LEDGER_EVENT_VERSION = 1;
/** `prev_hash` of the first event (seq 1) of every chain. */
export const GENESIS_HASH = '0'.repeat(64);
export const LEDGER_EVENT_ID_PREFIX = 'ev_';
/** 128 random bits. */
export const LEDGER_EVENT_ID_RANDOM_BYTES = 16;
export const LEDGER_LIST_DEFAULT_LIMIT = 100;
export const LEDGER_LIST_MAX_LIMIT = 1000;
export const EVIDENCE_EXPORT_FORMAT = 'actpass.evidence-export/v1';
/** Event types: lower-case dotted words such as `approval.requested`. */
export const LEDGER_EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
export const LEDGER_EVENT_TYPE_MAX_CHARS = 64;
/**
 * Top-level `data` members refused in `credential.*` events: the names a secret value would travel
 * under. A guard against an obvious mistake, not a secret scanner; callers must never pass secrets.
 */
export const LEDGER_CREDENTIAL_FORBIDDEN_KEYS: readonly string[] = ['value', 'secret', 'plaintext'];

// ─── Reports and simulation ───

/** Window of the rollout report and the policy what-if when the caller names no `since`. */
export const REPORT_DEFAULT_WINDOW_MS = 24 * 60 * 60 * 1000;
export const REPORT_BUCKET_MS: Readonly<Record<'minute' | 'hour' | 'day', number>> = Object.freeze({
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
});
export const REPORT_DEFAULT_BUCKET = 'hour';
/** A window cut into more buckets than this is refused (ask for a wider bucket). */
export const REPORT_MAX_BUCKETS = 2000;
export const REPORT_DEFAULT_TOP = 10;
/** Enforce answers that stop an action from running. */
export const BLOCKING_DECISIONS: readonly string[] = ['deny', 'require_approval', 'require_tool_reapproval'];
/** Modes whose decisions are not blocked today: what switching to enforce would change. */
export const OBSERVED_MODES: readonly string[] = ['monitor', 'warn'];
/**
 * Reason namespaces settled before the policy stage (passport, approval, tool drift, vault): the
 * what-if holds these decisions as recorded instead of re-running a policy they never reached.
 */
export const PRE_POLICY_REASON_PREFIXES: readonly string[] = ['passport.', 'approval.', 'tool.', 'vault.'];
export const SIMULATE_DEFAULT_LIMIT = 100;

// ─── CLI ───

/** How often `actpass ledger tail --follow` asks for new events. */
export const CLI_FOLLOW_INTERVAL_MS = 1000;
/** Events `actpass ledger tail` prints without `--limit`. */
export const CLI_TAIL_DEFAULT = 20;
/** Page size the CLI reads the ledger with. */
export const CLI_PAGE_SIZE = 1000;

// ─── Passports ───

export const PASSPORT_TYP = 'actpass-passport+jwt';
/** The algorithm we sign with; verifiers also accept the fully-specified `Ed25519` name (RFC 9864). */
export const PASSPORT_SIGNING_ALG = 'EdDSA';
export const PASSPORT_ACCEPTED_ALGS: readonly string[] = ['EdDSA', 'Ed25519'];
/** The only header members a passport may carry; everything else (crit, jku, x5u, jwk, b64, …) is refused. */
export const PASSPORT_HEADER_MEMBERS: readonly string[] = ['alg', 'kid', 'typ'];

export const PASSPORT_TTL_DEFAULT_SECONDS = 300;
export const PASSPORT_TTL_MIN_SECONDS = 1;
export const PASSPORT_TTL_MAX_SECONDS = 3600;

/** Clock-skew allowance for nbf/exp. One process issues and verifies, so skew is small; SPEC caps it at 30 s. */
export const PASSPORT_LEEWAY_DEFAULT_SECONDS = 5;
export const PASSPORT_LEEWAY_MAX_SECONDS = 30;

/** Far above any honest passport (~1 KiB), low enough that parsing junk costs nothing. */
export const PASSPORT_MAX_TOKEN_CHARS = 8192;
export const PASSPORT_MAX_KID_CHARS = 128;
export const PASSPORT_JTI_PREFIX = 'ap_';
/** 128 random bits. */
export const PASSPORT_JTI_RANDOM_BYTES = 16;

// ─── Vault ───

export const VAULT_KEY_BYTES = 32;
export const VAULT_DATA_KEY_BYTES = 32;
/** 96-bit GCM nonces, random per encryption: safe far beyond any vault's number of secret versions. */
export const VAULT_IV_BYTES = 12;
export const VAULT_TAG_BYTES = 16;
export const VAULT_ENVELOPE_VERSION = 1;
export const VAULT_CIPHER = 'aes-256-gcm';
export const VAULT_LEASE_TTL_DEFAULT_SECONDS = 300;
export const VAULT_LEASE_TTL_MIN_SECONDS = 1;
export const VAULT_LEASE_TTL_MAX_SECONDS = 3600;
export const VAULT_SECRET_MAX_BYTES = 64 * 1024;
export const VAULT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const VAULT_KEY_HINT = `set ${VAULT_KEY_ENV} to 32 random bytes in base64, e.g. \`export ${VAULT_KEY_ENV}="$(openssl rand -base64 32)"\``;

// ─── PostgreSQL stores ───

/** Environment variable naming the database several gateway processes share. */
export const DATABASE_URL_ENV = 'ACTPASS_DATABASE_URL';

/**
 * Connections per gateway process. Appends for one tenant serialise on an advisory lock anyway, so a
 * bigger pool mostly adds waiters; a small one keeps N gateways well below `max_connections`.
 */
export const POOL_MAX_CONNECTIONS = 10;
/** While the database is down a request must fail (503) quickly, not queue until the client gives up. */
export const POOL_CONNECT_TIMEOUT_MS = 5_000;
/** A statement stuck longer than this is treated as a failed store, which the gateway answers with 503. */
export const POOL_QUERY_TIMEOUT_MS = 15_000;
export const POOL_IDLE_TIMEOUT_MS = 30_000;

/**
 * Key of the session-level advisory lock held while migrating, so two processes starting at once
 * apply each migration exactly once. Any constant works; this one reads "actpass" in ASCII.
 */
export const MIGRATION_LOCK_KEY = 0x61637470617373n;
/**
 * First key of the two-key advisory locks that serialise ledger appends per tenant (the second is
 * `hashtext(tenant_id)`). Two-key locks live in a different space from the one-key migration lock.
 */
export const LEDGER_LOCK_NAMESPACE = 0x6c656467; // "ledg"

/**
 * Most events one group-commit transaction writes for a tenant; what queued beyond it goes in the
 * next one. Bounds the statement size, not the throughput.
 */
export const LEDGER_APPEND_BATCH_MAX = 256;
/** Page size when streaming a whole chain for verification or export. */
export const LEDGER_STREAM_PAGE = 1000;
/** Every this many passport claims a process purges expired claims and revocations. */
export const JTI_PURGE_EVERY_CLAIMS = 1024;
/** Most keys one group-committed claiming INSERT takes; what queued beyond it goes in the next. */
export const IDEMPOTENCY_BEGIN_BATCH_MAX = 256;
/** Most remembered answers one group-committed UPDATE writes; what queued beyond it goes in the next. */
export const IDEMPOTENCY_COMPLETE_BATCH_MAX = 256;
/** Every this many `begin`s a process deletes expired idempotency records, as the memory store does. */
export const IDEMPOTENCY_SWEEP_EVERY = 1024;
/**
 * Optimistic retries (approval compare-and-set, idempotency insert-then-read) before reporting the
 * store unavailable; each retry means another writer won a race, so a handful is plenty.
 */
export const RACE_RETRY_ATTEMPTS = 8;

/** The lock file naming the one gateway process that owns a state directory (store/state-lock.ts). */
export const STATE_LOCK_FILE = 'gateway.lock';

/** The row of the `keysets` table holding the gateway's signing keyset. */
export const DEFAULT_KEYSET_ID = 'default';

// ─── Console ───

/** Where the gateway serves the console; the console's own files live under `${CONSOLE_PATH}/`. */
export const CONSOLE_PATH = '/console';
/**
 * The console's Content-Security-Policy: its own files only, no inline script or style, no eval,
 * Trusted Types so no string can reach an HTML sink, and no framing.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'none'",
  "object-src 'none'",
  "media-src 'none'",
  "worker-src 'none'",
  "manifest-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');
/** Content types of the files the console is built from; any other file is not served. */
export const CONSOLE_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};
