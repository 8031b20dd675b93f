/**
 * Idempotency-Key handling: the same key and body within 24 h replays the stored response,
 * so a retried preflight writes no second ledger event and burns no second passport; another body under
 * the same key is a conflict. Concurrent requests with one key never both run: in this process the
 * later ones wait for the first and replay its answer; a key still running elsewhere (another process
 * sharing the store) is a 409 the client retries.
 *
 * Responses of 5xx are not stored (the key is released), because they mean "nothing happened; retry".
 *
 * Durability, one flush per keyed preflight: a preflight's decision event records the key (its
 * SHA-256 and the API key that sent it) and is durable before the answer leaves. For such an operation
 * (`ledgerRecordsKey`), a store that can `remember` keeps the answer in memory at once and journals it
 * behind the caller, so the request waits for the ledger's flush only, not for a second one. The
 * decision and the fact that its key was used are thus one durable unit (the event); the stored answer
 * is a copy that a crash may lose. After such a crash a retry with the key is refused with a 409 naming
 * the evidence event (witness.ts) and never decided a second time: stricter than waiting for the
 * record, where a crash between the two flushes let a retry run again. A store whose claim is itself
 * durable before the event (`claimOutlivesCrash`, PostgreSQL) needs no witness: a lost answer leaves
 * the claim "in progress" and a retry is refused until it expires. Every other operation, and every
 * store without `remember`, still waits for `complete`.
 */
import { canonicalize } from '@actpass/sdk/canonical';
import { IDEMPOTENCY_TTL_MS } from '../constants.js';
import { sha256Hex } from '../crypto/hash.js';
import { StateConflictError } from '../store/errors.js';
import type { IdempotencyRecord, IdempotencyStore, StoredResponse } from '../store/types.js';
import type { KeyOwner, LedgerKeyWitness } from './witness.js';

export { type KeyOwner, LedgerKeyWitness } from './witness.js';

const CONFLICT = 'request.idempotency_conflict';
/**
 * A claim's time comes from its process's clock and a decision's `at` from the ledger's: look this
 * much earlier than the claim so clocks that disagree a little cannot hide the decision.
 */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface IdempotentOutcome {
  response: StoredResponse;
  replayed: boolean;
}

export interface RunOptions {
  /**
   * The operation's own ledger event records this key for this owner (a preflight's decision), so its
   * answer may be remembered behind the caller; see the module comment.
   */
  ledgerRecordsKey?: KeyOwner;
}

interface InFlight {
  fingerprint: string;
  done: Promise<StoredResponse | undefined>;
}

/** SHA-256 of the canonical request, so member order and whitespace do not make a body "different". */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  // One-shot hashing: this runs on every keyed request.
  return sha256Hex(canonicalize({ method, path, body: body ?? null }));
}

export class IdempotencyGuard {
  readonly #inFlight = new Map<string, InFlight>();

  constructor(
    private readonly store: IdempotencyStore,
    private readonly nowMs: () => number,
    private readonly ttlMs: number = IDEMPOTENCY_TTL_MS,
    private readonly witness?: LedgerKeyWitness,
  ) {}

  async run(
    scope: string,
    key: string,
    fingerprint: string,
    execute: () => Promise<StoredResponse>,
    options: RunOptions = {},
  ): Promise<IdempotentOutcome> {
    const owner = options.ledgerRecordsKey;
    // Behind the caller only where a lost record is covered: by a durable claim, or by a witness that
    // reads the ledger after a restart.
    const askLedger = this.store.claimOutlivesCrash !== true;
    const remember =
      owner !== undefined && (!askLedger || this.witness !== undefined) ? this.store.remember : undefined;
    const local = JSON.stringify([scope, key]);
    // Wait for a request with this key already running here; loop because a failed one frees the key.
    for (let running = this.#inFlight.get(local); running; running = this.#inFlight.get(local)) {
      if (running.fingerprint !== fingerprint) throw conflictDifferentBody();
      const response = await running.done;
      if (response) return { response, replayed: true };
    }

    // Registered before the first await, so a concurrent twin in this process waits instead of racing.
    let settle: (response: StoredResponse | undefined) => void = () => undefined;
    const done = new Promise<StoredResponse | undefined>((resolve) => {
      settle = resolve;
    });
    this.#inFlight.set(local, { fingerprint, done });
    let outcome: StoredResponse | undefined;
    let written: Promise<void> | undefined;
    try {
      const now = this.nowMs();
      const begun = await this.store.begin(scope, key, fingerprint, now, now + this.ttlMs);
      if (!begun.started) return replayStored(begun.record, fingerprint);
      if (begun.recovered && owner && this.witness) {
        // An abandoned claim: its request may have been decided before its process died. If so, the
        // claim is kept (never released) and the caller is told which event decided it.
        const since = begun.recovered.claimedAtMs - CLOCK_SKEW_MS;
        const earlier = await this.witness.decidedSince(owner, key, since);
        if (earlier !== undefined) throw decidedBeforeCrash(earlier);
      }
      if (remember && askLedger && owner && this.witness) {
        const earlier = await this.witness.decided(owner, key).catch(async (error: unknown) => {
          await this.store.release(scope, key).catch(() => undefined);
          throw error;
        });
        if (earlier !== undefined) {
          await this.store.release(scope, key).catch(() => undefined);
          throw decidedBeforeRestart(earlier);
        }
      }
      try {
        outcome = await execute();
      } catch (error) {
        await this.store.release(scope, key).catch(() => undefined);
        throw error;
      }
      if (outcome.status >= 500) {
        await this.store.release(scope, key);
        return { response: outcome, replayed: false };
      }
      if (remember) {
        // The decision event (durable now) records the key; the answer's copy is written behind. A
        // failed write changes no answer: the claim or the ledger event speaks for the key.
        const answer = outcome;
        written = Promise.resolve()
          .then(() => remember.call(this.store, scope, key, answer))
          .catch(() => undefined);
        return { response: outcome, replayed: false };
      }
      // The action has happened and is recorded; a failure to remember the response must not turn it
      // into a 503 ("nothing happened"). A later retry would then run again, which is the lesser harm.
      await this.store.complete(scope, key, outcome).catch(() => undefined);
      return { response: outcome, replayed: false };
    } finally {
      settle(outcome !== undefined && outcome.status < 500 ? outcome : undefined);
      const forget = () => {
        if (this.#inFlight.get(local)?.done === done) this.#inFlight.delete(local);
      };
      // Until the answer written behind is in the store, twins here replay it from this entry.
      if (written) void written.then(forget);
      else forget();
    }
  }
}

function replayStored(record: IdempotencyRecord, fingerprint: string): IdempotentOutcome {
  if (record.fingerprint !== fingerprint) throw conflictDifferentBody();
  if (record.response) return { response: record.response, replayed: true };
  throw new StateConflictError(
    CONFLICT,
    'A request with this Idempotency-Key is still in progress; retry it shortly with the same key.',
  );
}

function decidedBeforeCrash(eventId: string): StateConflictError {
  return new StateConflictError(
    CONFLICT,
    `This Idempotency-Key was already decided (evidence event ${eventId}) by a request that did not ` +
      'finish answering; read that event from the evidence API, or use a new key to decide again.',
  );
}

function decidedBeforeRestart(eventId: string): StateConflictError {
  return new StateConflictError(
    CONFLICT,
    `This Idempotency-Key was already decided (evidence event ${eventId}) before the gateway restarted, ` +
      'and its answer was not kept; read that event from the evidence API, or use a new key to decide again.',
  );
}

function conflictDifferentBody(): StateConflictError {
  return new StateConflictError(
    CONFLICT,
    'This Idempotency-Key was used with a different body; use a new key.',
  );
}
