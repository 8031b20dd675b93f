/**
 * Idempotency records in PostgreSQL. `begin` is insert-if-absent in one statement: a new key inserts,
 * an expired one is taken over by the upsert's guarded UPDATE, and a live one matches nothing, so
 * exactly one request per key runs whichever process it reached. Losers read the winner's record.
 *
 * One durable flush per keyed request, the ledger's: `begin` and `complete` commit with
 * `synchronous_commit = off` (set for their own transaction only), so neither waits for a WAL flush of
 * its own. Visibility to other processes is immediate either way; only what a database crash may lose
 * changes, and WAL order makes that safe. A `begin` commits before its request's ledger transaction,
 * so once the (synchronous) ledger commit is durable, the earlier claim is too: a decision never
 * outlives its key's claim. A `complete` lost to a database crash leaves the claim without an answer,
 * which a retry sees as "still in progress" (409): the key is never decided a second time, as when the
 * gateway itself dies between the ledger commit and the answer's UPDATE.
 *
 * Crash leftovers: a claim carries a lease (`lease_until_ms`, a minute by default). A claim with no
 * answer whose lease has run out (its process died, or lost the database, mid-request) is taken over by
 * the next request with the same key and body, reported as `recovered`: the guard then asks the ledger
 * whether that key was decided after all before running it, so a retry is answered within a minute
 * instead of refused for the record's whole day, and still never decided twice.
 */

import {
  IDEMPOTENCY_BEGIN_BATCH_MAX,
  IDEMPOTENCY_COMPLETE_BATCH_MAX,
  IDEMPOTENCY_SWEEP_EVERY,
  RACE_RETRY_ATTEMPTS,
} from '../../constants.js';
import { StoreUnavailableError } from '../errors.js';
import type { IdempotencyBegin, IdempotencyStore, StoredResponse } from '../types.js';
import type { Pool } from './pool.js';
import { DEFAULT_POSTGRES_SETTINGS } from './settings.js';

/**
 * A one-row FROM item that turns off `synchronous_commit` for the statement's own (implicit)
 * transaction: `set_config(…, true)` is transaction-local and is read at COMMIT, so one statement, one
 * round trip, no session state left behind on the pooled connection.
 */
const ASYNC_COMMIT = "(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit";

interface Row {
  fingerprint: string;
  response: string | null;
  expires_at_ms: string;
  lease_until_ms: string | null;
}

interface Completion {
  scope: string;
  key: string;
  text: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Claim {
  scope: string;
  key: string;
  fingerprint: string;
  nowMs: number;
  expiresAtMs: number;
  resolve: (begun: IdempotencyBegin) => void;
  reject: (error: unknown) => void;
}

export class PostgresIdempotencyStore implements IdempotencyStore {
  #begins = 0;
  #claims: Claim[] = [];
  #claiming: Promise<void> | undefined;
  #completions: Completion[] = [];
  #completing: Promise<void> | undefined;
  readonly #leaseMs: number;

  constructor(
    private readonly pool: Pool,
    options: { leaseMs?: number } = {},
  ) {
    this.#leaseMs = options.leaseMs ?? DEFAULT_POSTGRES_SETTINGS.idempotencyLeaseMs;
  }

  /**
   * Group claim: `begin`s that arrive while one claiming INSERT is running go together in the next one
   * (one statement, one commit for the batch), so a keyed request does not cost a statement of its own
   * on a busy gateway. A key the batch did not win (live elsewhere, or twice in one batch) is settled
   * alone afterwards: it is a replay or a conflict, both rare.
   */
  begin(
    scope: string,
    key: string,
    fingerprint: string,
    nowMs: number,
    expiresAtMs: number,
  ): Promise<IdempotencyBegin> {
    this.#sweepNowAndThen(nowMs);
    return new Promise((resolve, reject) => {
      this.#claims.push({ scope, key, fingerprint, nowMs, expiresAtMs, resolve, reject });
      this.#claiming ??= this.#claimQueued();
    });
  }

  async #claimQueued(): Promise<void> {
    while (this.#claims.length > 0) {
      const batch = this.#claims.splice(0, IDEMPOTENCY_BEGIN_BATCH_MAX);
      // One row per key in a statement (ON CONFLICT cannot touch a row twice); a twin goes alone.
      const first = new Map<string, Claim>();
      for (const claim of batch) {
        const id = claimId(claim);
        if (!first.has(id)) first.set(id, claim);
      }
      const distinct = [...first.values()];
      let won: Set<string>;
      try {
        const { rows } = await this.pool.query<{ scope: string; key: string }>(
          `INSERT INTO actpass_idempotency (scope, key, fingerprint, response, expires_at_ms, lease_until_ms)
           SELECT v.scope, v.key, v.fingerprint, NULL, v.expires_at_ms, v.lease_until_ms
           FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $6::bigint[])
             AS v(scope, key, fingerprint, expires_at_ms, lease_until_ms),
             ${ASYNC_COMMIT}
           ON CONFLICT (scope, key) DO UPDATE
             SET fingerprint = excluded.fingerprint, response = NULL, expires_at_ms = excluded.expires_at_ms,
               lease_until_ms = excluded.lease_until_ms
             WHERE actpass_idempotency.expires_at_ms <= $5
           RETURNING scope, key`,
          [
            distinct.map((claim) => claim.scope),
            distinct.map((claim) => claim.key),
            distinct.map((claim) => claim.fingerprint),
            distinct.map((claim) => claim.expiresAtMs),
            // Expiry is judged by the latest clock in the batch: a record expired for one is expired now.
            Math.max(...distinct.map((claim) => claim.nowMs)),
            distinct.map((claim) => claim.nowMs + this.#leaseMs),
          ],
        );
        won = new Set(rows.map(claimId));
      } catch (error) {
        for (const claim of batch) claim.reject(error);
        continue;
      }
      for (const claim of batch) {
        const id = claimId(claim);
        if (won.has(id) && first.get(id) === claim) claim.resolve({ started: true });
        else this.#beginAlone(claim).then(claim.resolve, claim.reject);
      }
    }
    this.#claiming = undefined;
  }

  async #beginAlone({ scope, key, fingerprint, nowMs, expiresAtMs }: Claim): Promise<IdempotencyBegin> {
    const leaseUntil = nowMs + this.#leaseMs;
    // The loop only repeats when the record vanished (released) between the two statements.
    for (let attempt = 0; attempt < RACE_RETRY_ATTEMPTS; attempt++) {
      const taken = await this.pool.query(
        `INSERT INTO actpass_idempotency (scope, key, fingerprint, response, expires_at_ms, lease_until_ms)
         SELECT $1::text, $2::text, $3::text, NULL, $5::bigint, $6::bigint FROM ${ASYNC_COMMIT}
         ON CONFLICT (scope, key) DO UPDATE
           SET fingerprint = excluded.fingerprint, response = NULL, expires_at_ms = excluded.expires_at_ms,
             lease_until_ms = excluded.lease_until_ms
           WHERE actpass_idempotency.expires_at_ms <= $4`,
        [scope, key, fingerprint, nowMs, expiresAtMs, leaseUntil],
      );
      if (taken.rowCount === 1) return { started: true };
      const { rows } = await this.pool.query<Row>(
        `SELECT fingerprint, response, expires_at_ms, lease_until_ms FROM actpass_idempotency
         WHERE scope = $1 AND key = $2`,
        [scope, key],
      );
      const row = rows[0];
      if (!row) continue;
      const record = { fingerprint: row.fingerprint, expires_at_ms: Number(row.expires_at_ms) };
      if (row.response !== null) {
        return {
          started: false,
          record: { ...record, response: JSON.parse(row.response) as StoredResponse },
        };
      }
      const staleSince = row.lease_until_ms === null ? undefined : Number(row.lease_until_ms);
      if (row.fingerprint === fingerprint && staleSince !== undefined && staleSince <= nowMs) {
        // Compare-and-set on the old lease: of several retries reaching several processes, one takes it.
        const takeover = await this.pool.query(
          `UPDATE actpass_idempotency SET expires_at_ms = $3, lease_until_ms = $4
           WHERE scope = $1 AND key = $2 AND response IS NULL AND lease_until_ms = $5`,
          [scope, key, expiresAtMs, leaseUntil, staleSince],
        );
        if (takeover.rowCount === 1)
          return { started: true, recovered: { claimedAtMs: staleSince - this.#leaseMs } };
        continue;
      }
      return { started: false, record };
    }
    throw new StoreUnavailableError('idempotency', {
      cause: new Error(`idempotency key ${key}: kept losing races with concurrent releases`),
    });
  }

  /**
   * Group commit: completions that arrive while one UPDATE is running go together in the next one (one
   * statement, one commit for the batch), so remembering answers does not cost a commit each. Each
   * resolves only after its batch committed.
   */
  complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    // Stored as JSON text so any body (even one holding a NUL character) survives a text column.
    const text = JSON.stringify({
      status: response.status,
      body: response.body,
      ...(response.credential ? { credential: response.credential } : {}),
    });
    return new Promise((resolve, reject) => {
      this.#completions.push({ scope, key, text, resolve, reject });
      this.#completing ??= this.#completeQueued();
    });
  }

  async #completeQueued(): Promise<void> {
    while (this.#completions.length > 0) {
      const batch = this.#completions.splice(0, IDEMPOTENCY_COMPLETE_BATCH_MAX);
      const rows = batch.map((_, row) => `($${row * 3 + 1}, $${row * 3 + 2}, $${row * 3 + 3})`);
      try {
        await this.pool.query(
          `UPDATE actpass_idempotency AS t SET response = v.response
           FROM (VALUES ${rows.join(', ')}) AS v(scope, key, response), ${ASYNC_COMMIT}
           WHERE t.scope = v.scope AND t.key = v.key`,
          batch.flatMap((completion) => [completion.scope, completion.key, completion.text]),
        );
        for (const completion of batch) completion.resolve();
      } catch (error) {
        for (const completion of batch) completion.reject(error);
      }
    }
    this.#completing = undefined;
  }

  /** A claim commits before its request's ledger transaction, so WAL order keeps it (see top). */
  readonly claimOutlivesCrash = true;

  /**
   * The answer goes into the next group-committed UPDATE and nobody waits for it: used only for an
   * answer whose ledger event records the key. If the gateway or the database dies first, the claim
   * stays "in progress" until its lease runs out; the retry that then takes it over finds the decision
   * in the ledger and is refused with a 409 naming it, so the key is never decided again.
   */
  remember(scope: string, key: string, response: StoredResponse): Promise<void> {
    return this.complete(scope, key, response);
  }

  async release(scope: string, key: string): Promise<void> {
    await this.pool.query('DELETE FROM actpass_idempotency WHERE scope = $1 AND key = $2', [scope, key]);
  }

  /**
   * Drops expired records now and then so the table does not keep every key forever. Best effort and
   * off the request path: a failed sweep changes no answer, the next one catches up.
   */
  #sweepNowAndThen(nowMs: number): void {
    this.#begins += 1;
    if (this.#begins % IDEMPOTENCY_SWEEP_EVERY !== 0) return;
    this.pool
      .query('DELETE FROM actpass_idempotency WHERE expires_at_ms <= $1', [nowMs])
      .catch(() => undefined);
  }
}

function claimId(claim: { scope: string; key: string }): string {
  return JSON.stringify([claim.scope, claim.key]);
}
