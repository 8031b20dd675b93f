/**
 * Ledger events: `{v:1, seq, id, tenant_id, type, at, data, prev_hash, hash}` where `hash` is
 * the hex SHA-256 of the JCS canonical form of the event without `hash`, and seq 1 links to 64 zeros.
 */
import { randomBytes } from 'node:crypto';
import {
  LEDGER_CREDENTIAL_FORBIDDEN_KEYS,
  LEDGER_EVENT_ID_PREFIX,
  LEDGER_EVENT_ID_RANDOM_BYTES,
  LEDGER_EVENT_TYPE,
  LEDGER_EVENT_TYPE_MAX_CHARS,
  LEDGER_EVENT_VERSION,
} from '../constants.js';
import { base64urlEncode, sha256Hex } from '../crypto/index.js';
import type { JsonObject } from '../policy/types.js';
import { canonicalCopy, canonicalEventText, sealCopy } from './canonical.js';
import { LedgerInputError } from './errors.js';

export { canonicalEventText };

export interface LedgerEvent {
  v: typeof LEDGER_EVENT_VERSION;
  seq: number;
  id: string;
  tenant_id: string;
  type: string;
  at: string;
  data: JsonObject;
  prev_hash: string;
  hash: string;
}

export type UnsealedEvent = Omit<LedgerEvent, 'hash'>;

export interface LedgerHead {
  /** 0 for an empty chain. */
  seq: number;
  hash: string;
}

export interface AppendInput {
  type: string;
  data: JsonObject;
  /** ISO 8601 timestamp; defaults to the store's clock. */
  at?: string;
}

// Ids draw from a pooled buffer: one randomBytes call per 256 ids instead of one per append.
const ID_POOL_IDS = 256;
let idPool = Buffer.alloc(0);
let idPoolOffset = 0;

export function newEventId(): string {
  if (idPoolOffset >= idPool.byteLength) {
    idPool = randomBytes(LEDGER_EVENT_ID_RANDOM_BYTES * ID_POOL_IDS);
    idPoolOffset = 0;
  }
  const id = idPool.subarray(idPoolOffset, idPoolOffset + LEDGER_EVENT_ID_RANDOM_BYTES);
  idPoolOffset += LEDGER_EVENT_ID_RANDOM_BYTES;
  return LEDGER_EVENT_ID_PREFIX + base64urlEncode(id);
}

/** Hex SHA-256 of the canonical event without its `hash` member. */
export function hashEvent(event: UnsealedEvent | LedgerEvent): string {
  return sha256Hex(canonicalEventText(event));
}

/**
 * Seals an event. The stored object is re-parsed from the exact canonical text that was hashed, so it
 * is a private deep copy (later mutation of the caller's `data` cannot change it) and it is precisely
 * what the hash covers (for example `-0` has become `0`).
 */
export function sealEvent(unsealed: UnsealedEvent): LedgerEvent {
  // Usually one pass: a sorted deep copy is both the private copy and, stringified, the canonical text.
  const fast = canonicalCopy(unsealed);
  if (fast) return sealCopy(fast.copy, sha256Hex(fast.text));
  const text = canonicalEventText(unsealed);
  const event = JSON.parse(text) as LedgerEvent;
  event.hash = sha256Hex(text);
  return deepFreeze(event);
}

/** Validates what a caller may append; throws `LedgerInputError` naming the problem. */
export function checkAppendInput(input: AppendInput): void {
  const { type, data, at } = input ?? ({} as AppendInput);
  if (
    typeof type !== 'string' ||
    type.length > LEDGER_EVENT_TYPE_MAX_CHARS ||
    !LEDGER_EVENT_TYPE.test(type)
  ) {
    throw new LedgerInputError('event type must be lower-case dotted words, e.g. "approval.requested"');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new LedgerInputError('event data must be a JSON object');
  }
  if (at !== undefined && (typeof at !== 'string' || Number.isNaN(Date.parse(at)))) {
    throw new LedgerInputError('event "at" must be an ISO 8601 timestamp');
  }
  if (type.startsWith('credential.')) {
    for (const key of LEDGER_CREDENTIAL_FORBIDDEN_KEYS) {
      if (Object.hasOwn(data, key)) {
        throw new LedgerInputError(
          `credential events must not carry "${key}": secrets never enter the ledger`,
        );
      }
    }
  }
  // A decision that carried a lease must be recorded without it.
  const credential = (data as Record<string, unknown>).credential;
  if (typeof credential === 'object' && credential !== null && Object.hasOwn(credential, 'value')) {
    throw new LedgerInputError('event data must not carry credential.value: secrets never enter the ledger');
  }
}

/** Builds and seals the next event after `head`. */
export function nextEvent(
  tenantId: string,
  input: AppendInput,
  head: LedgerHead,
  at: string,
  id: string = newEventId(),
): LedgerEvent {
  checkAppendInput(input);
  return sealEvent({
    v: LEDGER_EVENT_VERSION,
    seq: head.seq + 1,
    id,
    tenant_id: tenantId,
    type: input.type,
    at: input.at ?? at,
    data: input.data,
    prev_hash: head.hash,
  });
}

/** Events handed out by stores are deeply frozen: a caller cannot edit the chain through a reference. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}
