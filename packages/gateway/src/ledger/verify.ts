/**
 * Chain verification: recompute every hash and link and name the first broken seq.
 *
 * Position n (1-based) must hold seq n, link to the hash at n - 1 (64 zeros for n = 1) and hash to its
 * own `hash`. So an edited event breaks at its own seq (hash_mismatch), a re-hashed edit breaks at the
 * next one (prev_hash_mismatch), and a reorder, deletion or insertion breaks where the seq first stops
 * counting (seq_mismatch). Truncating the tail leaves a valid shorter chain: only a previously signed
 * head (`expectedHead`) can reveal it.
 */

import { GENESIS_HASH, LEDGER_EVENT_VERSION } from '../constants.js';
import { sha256Hex } from '../crypto/index.js';
import type { LedgerEvent, LedgerHead } from './event.js';
import { hashEvent } from './event.js';
import type { LedgerStore } from './store.js';
import { storedCanonicalText } from './verify-stored-text.js';

export type ChainBreakReason =
  | 'malformed_event'
  | 'wrong_tenant'
  | 'seq_mismatch'
  | 'prev_hash_mismatch'
  | 'hash_mismatch'
  | 'truncated'
  | 'head_mismatch';

export type ChainBreak = { ok: false; first_broken_seq: number; reason: ChainBreakReason; message: string };
export type VerifyChainResult = { ok: true; head: LedgerHead } | ChainBreak;

export interface VerifyChainOptions {
  /** A head known from earlier (e.g. a signed export): the chain must contain it at that seq. */
  expectedHead?: LedgerHead;
  /** When given, every event must belong to this tenant. */
  tenantId?: string;
  /**
   * Verifies a slice that starts somewhere inside a chain (one worker's chunk): the first event's seq
   * is taken as given and its prev_hash is not compared, because only whoever holds the previous slice
   * can check those two; every later event is checked in full against the one before it.
   */
  slice?: boolean;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** Incremental verifier, so stores can stream events without holding a whole chain. */
export class ChainVerifier {
  #head: LedgerHead = { seq: 0, hash: GENESIS_HASH };
  #tenantId: string | undefined;
  #broken: ChainBreak | null = null;
  #expectedHeadSeen = false;
  #sliceStart: boolean;

  constructor(private readonly options: VerifyChainOptions = {}) {
    this.#tenantId = options.tenantId;
    this.#sliceStart = options.slice === true;
  }

  /** Feeds the next event; returns the first break once one is found (and keeps returning it). */
  push(candidate: unknown): ChainBreak | null {
    return this.#check(candidate, undefined);
  }

  /**
   * `push` for an event parsed from a stored line whose text the caller has already checked is byte for
   * byte `JSON.stringify(event)` (as the file store does). The hash is then taken over that line minus
   * its hash member when that is provably the canonical text, saving a second serialisation per event;
   * otherwise it is computed exactly as `push` does. The checks and their order are `push`'s.
   */
  pushStored(candidate: unknown, storedText: string): ChainBreak | null {
    return this.#check(candidate, storedText);
  }

  #check(candidate: unknown, storedText: string | undefined): ChainBreak | null {
    if (this.#broken) return this.#broken;
    if (!isEventShape(candidate))
      return this.#break(this.#head.seq + 1, 'malformed_event', 'event does not have the v1 shape');
    const event = candidate;
    const sliceStart = this.#sliceStart;
    this.#sliceStart = false;
    const seq = sliceStart ? event.seq : this.#head.seq + 1;
    this.#tenantId ??= event.tenant_id;
    if (event.tenant_id !== this.#tenantId)
      return this.#break(seq, 'wrong_tenant', 'event of another tenant');
    if (event.seq !== seq) return this.#break(seq, 'seq_mismatch', `expected seq ${seq}, found ${event.seq}`);
    if (!sliceStart && event.prev_hash !== this.#head.hash) {
      return this.#break(seq, 'prev_hash_mismatch', 'prev_hash does not match the previous event');
    }
    if (safeHash(event, storedText) !== event.hash)
      return this.#break(seq, 'hash_mismatch', 'event content does not match its hash');
    this.#head = { seq, hash: event.hash };
    const expected = this.options.expectedHead;
    if (expected && expected.seq === seq) {
      if (expected.hash !== event.hash)
        return this.#break(seq, 'head_mismatch', 'differs from the known head');
      this.#expectedHeadSeen = true;
    }
    return null;
  }

  finish(): VerifyChainResult {
    if (this.#broken) return this.#broken;
    const expected = this.options.expectedHead;
    if (expected && expected.seq > 0 && !this.#expectedHeadSeen) {
      return this.#break(
        this.#head.seq + 1,
        'truncated',
        `chain ends before the known head seq ${expected.seq}`,
      );
    }
    if (expected && expected.seq === 0 && expected.hash !== GENESIS_HASH) {
      return this.#break(1, 'head_mismatch', 'an empty head must carry the genesis hash');
    }
    return { ok: true, head: { ...this.#head } };
  }

  #break(seq: number, reason: ChainBreakReason, message: string): ChainBreak {
    this.#broken = { ok: false, first_broken_seq: seq, reason, message };
    return this.#broken;
  }
}

export function verifyChain(events: Iterable<unknown>, options: VerifyChainOptions = {}): VerifyChainResult {
  const verifier = new ChainVerifier(options);
  for (const event of events) if (verifier.push(event)) break;
  return verifier.finish();
}

export async function verifyStoredChain(
  store: LedgerStore,
  tenantId: string,
  options: Omit<VerifyChainOptions, 'tenantId'> = {},
): Promise<VerifyChainResult> {
  const verifier = new ChainVerifier({ ...options, tenantId });
  for await (const event of store.events(tenantId)) if (verifier.push(event)) break;
  return verifier.finish();
}

/** Content with no canonical form (e.g. a lone surrogate) cannot match any hash. */
function safeHash(event: LedgerEvent, storedText: string | undefined): string | null {
  const stored = storedText === undefined ? undefined : storedCanonicalText(event, storedText);
  if (stored !== undefined) return sha256Hex(stored);
  try {
    return hashEvent(event);
  } catch {
    return null;
  }
}

function isEventShape(value: unknown): value is LedgerEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Partial<LedgerEvent>;
  return (
    event.v === LEDGER_EVENT_VERSION &&
    Number.isSafeInteger(event.seq) &&
    typeof event.id === 'string' &&
    typeof event.tenant_id === 'string' &&
    typeof event.type === 'string' &&
    typeof event.at === 'string' &&
    typeof event.data === 'object' &&
    event.data !== null &&
    !Array.isArray(event.data) &&
    typeof event.prev_hash === 'string' &&
    typeof event.hash === 'string' &&
    HEX_SHA256.test(event.hash) &&
    ownMemberCount(event) === EVENT_MEMBERS
  );
}

const EVENT_MEMBERS = 9;

/** Own enumerable members, counted without building the key array (this runs once per event). */
function ownMemberCount(value: object): number {
  let count = 0;
  for (const key in value) if (Object.hasOwn(value, key)) count += 1;
  return count;
}
