/** Ledger defaults (SPEC §6). */

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
