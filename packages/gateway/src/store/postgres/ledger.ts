/**
 * Ledger events in PostgreSQL, for several gateway processes sharing one chain per tenant.
 *
 * An append is one transaction: take the tenant's advisory lock (so appends for one tenant run one at
 * a time across every process, while other tenants proceed), read the head, seal the next event with
 * the ledger's own code, insert it, COMMIT, and only then resolve. The (tenant_id, seq) primary key
 * is a second line of defence: even a bug in the locking could not store two events at one seq.
 *
 * Group commit: appends for one tenant that arrive while that tenant's transaction is running wait
 * and then go together in the next transaction (one lock, one COMMIT, one fsync), and each resolves
 * only after that COMMIT. A tenant's chain is serial, so without this its throughput would be one
 * event per commit latency; an idle tenant's first append still goes at once.
 *
 * The event is stored as the JSON text that is handed out, never as jsonb, so what is read back is
 * byte for byte what was hashed.
 *
 * Event time (`at`) comes from the database's clock, read under the tenant's lock, so it never goes
 * backwards along a chain whichever process appends (each process's own clock would).
 */
import {
  GENESIS_HASH,
  LEDGER_APPEND_BATCH_MAX,
  LEDGER_LIST_DEFAULT_LIMIT,
  LEDGER_LIST_MAX_LIMIT,
  LEDGER_LOCK_NAMESPACE,
  LEDGER_STREAM_PAGE,
} from '../../constants.js';
import type { AppendInput } from '../../ledger/event.js';
import {
  checkAppendInput,
  deepFreeze,
  type LedgerEvent,
  type LedgerHead,
  newEventId,
  nextEvent,
} from '../../ledger/event.js';
import { hasFilter } from '../../ledger/filter.js';
import type { LedgerStore, LedgerStoreOptions, ListOptions } from '../../ledger/store.js';
import { sqlFilter } from './ledger-filter.js';
import { type Pool, type PoolClient, withTransaction } from './pool.js';

interface PendingAppend {
  input: AppendInput;
  resolve(event: LedgerEvent): void;
  reject(error: unknown): void;
}

export class PostgresLedgerStore implements LedgerStore {
  /** Injected by tests; otherwise events take the database's clock (see `#eventTime`). */
  readonly #clock: (() => Date) | undefined;
  readonly #newId: () => string;
  /** Appends waiting for their tenant's next transaction; a tenant is present while one is running. */
  readonly #waiting = new Map<string, PendingAppend[]>();

  constructor(
    private readonly pool: Pool,
    options: LedgerStoreOptions = {},
  ) {
    this.#clock = options.clock;
    this.#newId = options.newId ?? newEventId;
  }

  async append(tenantId: string, input: AppendInput): Promise<LedgerEvent> {
    // Refuse bad input before it can share a transaction with anybody else's event.
    checkAppendInput(input);
    // Sealed later, in the batch: copy now so a caller mutating its object afterwards changes nothing.
    const snapshot: AppendInput = { ...input, data: structuredClone(input.data) };
    return new Promise((resolve, reject) => {
      const waiting = this.#waiting.get(tenantId);
      if (waiting) {
        waiting.push({ input: snapshot, resolve, reject });
        return;
      }
      this.#waiting.set(tenantId, []);
      void this.#drain(tenantId, [{ input: snapshot, resolve, reject }]);
    });
  }

  /** Writes `batch`, then whatever queued meanwhile, until the tenant has nothing waiting. */
  async #drain(tenantId: string, first: PendingAppend[]): Promise<void> {
    let batch = first;
    while (batch.length > 0) {
      try {
        const sealed = await withTransaction(this.pool, (client) => this.#write(client, tenantId, batch));
        // Only now, after COMMIT, does anybody learn of their event.
        for (const [pending, outcome] of sealed) {
          if (outcome.ok) pending.resolve(outcome.event);
          else pending.reject(outcome.error);
        }
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
      const waiting = this.#waiting.get(tenantId) ?? [];
      batch = waiting.splice(0, LEDGER_APPEND_BATCH_MAX);
    }
    this.#waiting.delete(tenantId);
  }

  /**
   * Appends `input` inside the caller's transaction on `client`, for a state change that must commit
   * together with its event or not at all (an approval's verdict). The caller's COMMIT makes it
   * durable; until then nobody may be told of it. `client` must be on this store's database.
   */
  async appendWithin(client: PoolClient, tenantId: string, input: AppendInput): Promise<LedgerEvent> {
    checkAppendInput(input);
    const [outcome] = await this.#write(client, tenantId, [{ input, resolve: () => {}, reject: () => {} }]);
    if (!outcome) throw new Error('ledger append produced no event');
    const [, result] = outcome;
    if (!result.ok) throw result.error;
    return result.event;
  }

  /** True when `pool` is the pool this store writes through (so a transaction on it can append here). */
  writesThrough(pool: unknown): boolean {
    return pool === this.pool;
  }

  async #write(
    client: PoolClient,
    tenantId: string,
    batch: PendingAppend[],
  ): Promise<Array<[PendingAppend, { ok: true; event: LedgerEvent } | { ok: false; error: unknown }]>> {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LEDGER_LOCK_NAMESPACE, tenantId]);
    // The head and the database's clock, read under the lock: every event of a chain gets its time
    // from one clock (whichever process appends), never earlier than the event before it. Events are
    // stored canonical (keys sorted), so `at` opens the text: read it there rather than parse the
    // event (json would also refuse a \u0000 the event may validly hold).
    const { rows } = await client.query<{
      now: Date;
      seq: string | null;
      hash: string | null;
      at: string | null;
    }>(
      `SELECT clock_timestamp() AS now, h.seq, h.hash, h.at FROM (SELECT 1) AS one
       LEFT JOIN LATERAL (
         SELECT seq, hash, substring(event FROM '^[{]"at":"([^"]*)"') AS at FROM actpass_ledger_events
         WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1
       ) AS h ON true`,
      [tenantId],
    );
    const top = rows[0];
    let head: LedgerHead =
      top?.seq != null && top.hash != null ? { seq: Number(top.seq), hash: top.hash } : genesis();
    const at = this.#eventTime(top?.now, top?.at ?? null);
    const outcomes: Array<[PendingAppend, { ok: true; event: LedgerEvent } | { ok: false; error: unknown }]> =
      [];
    const values: unknown[] = [];
    for (const pending of batch) {
      try {
        // With the database's clock an input's own `at` is not the envelope time (a decision keeps the
        // time its client saw in `data.decided_at`).
        const input = at === undefined ? pending.input : { ...pending.input, at };
        const stamp = at ?? (this.#clock ?? (() => new Date()))().toISOString();
        const event = nextEvent(tenantId, input, head, stamp, this.#newId());
        values.push(tenantId, event.seq, event.id, event.hash, JSON.stringify(event));
        head = { seq: event.seq, hash: event.hash };
        outcomes.push([pending, { ok: true, event }]);
      } catch (error) {
        // Content that cannot be sealed fails alone, as it would in the memory store.
        outcomes.push([pending, { ok: false, error }]);
      }
    }
    const rowCount = values.length / 5;
    if (rowCount > 0) {
      const placeholders = Array.from({ length: rowCount }, (_, row) => {
        const base = row * 5;
        return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5})`;
      });
      await client.query(
        `INSERT INTO actpass_ledger_events (tenant_id, seq, id, hash, event) VALUES ${placeholders.join(', ')}`,
        values,
      );
    }
    return outcomes;
  }

  /**
   * The envelope time of the events sealed now: the database's clock, held at the head's time if that
   * clock stepped back (so `at` never decreases along a chain). Undefined when a clock was injected
   * (tests and vectors), which then stamps events as the other stores do.
   */
  #eventTime(databaseNow: Date | undefined, headAt: string | null): string | undefined {
    if (this.#clock !== undefined || databaseNow === undefined) return undefined;
    const previous = headAt === null ? Number.NEGATIVE_INFINITY : Date.parse(headAt);
    const now = databaseNow.getTime();
    return new Date(Number.isFinite(previous) && previous > now ? previous : now).toISOString();
  }

  async list(tenantId: string, options: ListOptions = {}): Promise<LedgerEvent[]> {
    const window = listBounds(options);
    if (!window) return [];
    if (hasFilter(options.filter))
      return this.#filteredPage(tenantId, window.afterSeq, window.limit, options);
    return this.#page(tenantId, window.afterSeq, window.limit);
  }

  async #filteredPage(
    tenantId: string,
    afterSeq: number,
    limit: number,
    options: ListOptions,
  ): Promise<LedgerEvent[]> {
    const { where, values } = sqlFilter(options.filter ?? {}, 4);
    const { rows } = await this.pool.query<{ event: string }>(
      'SELECT event FROM (SELECT seq, event, event::jsonb AS e FROM actpass_ledger_events ' +
        'WHERE tenant_id = $1 AND seq > $2) AS scanned ' +
        `WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $3`,
      [tenantId, afterSeq, limit, ...values],
    );
    return rows.map((row) => deepFreeze(JSON.parse(row.event) as LedgerEvent));
  }

  async head(tenantId: string): Promise<LedgerHead> {
    const { rows } = await this.pool.query<{ seq: string; hash: string }>(
      'SELECT seq, hash FROM actpass_ledger_events WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1',
      [tenantId],
    );
    return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : genesis();
  }

  /** Streams the chain a page at a time, so verifying or exporting a long chain holds one page. */
  async *events(tenantId: string): AsyncIterable<LedgerEvent> {
    let afterSeq = 0;
    for (;;) {
      const page = await this.#page(tenantId, afterSeq, LEDGER_STREAM_PAGE);
      yield* page;
      const last = page.at(-1);
      if (!last || page.length < LEDGER_STREAM_PAGE) return;
      afterSeq = last.seq;
    }
  }

  /** The tenant's event with this id, through the (tenant_id, id) index, or null. */
  async find(tenantId: string, id: string): Promise<LedgerEvent | null> {
    const { rows } = await this.pool.query<{ event: string }>(
      'SELECT event FROM actpass_ledger_events WHERE tenant_id = $1 AND id = $2 LIMIT 1',
      [tenantId, id],
    );
    const row = rows[0];
    return row ? deepFreeze(JSON.parse(row.event) as LedgerEvent) : null;
  }

  async #page(tenantId: string, afterSeq: number, limit: number): Promise<LedgerEvent[]> {
    const { rows } = await this.pool.query<{ event: string }>(
      'SELECT event FROM actpass_ledger_events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [tenantId, afterSeq, limit],
    );
    return rows.map((row) => deepFreeze(JSON.parse(row.event) as LedgerEvent));
  }
}

function genesis(): LedgerHead {
  return { seq: 0, hash: GENESIS_HASH };
}

/** The same window the memory and file stores serve (`listWindow`): seq in (afterSeq, afterSeq + limit]. */
function listBounds(options: ListOptions): { afterSeq: number; limit: number } | null {
  // Clamped to a safe integer so an absurd cursor is an empty page, not a bigint overflow (a 503).
  const afterSeq = Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.floor(options.afterSeq ?? 0)));
  const limit = Math.min(
    LEDGER_LIST_MAX_LIMIT,
    Math.max(1, Math.floor(options.limit ?? LEDGER_LIST_DEFAULT_LIMIT)),
  );
  if (!Number.isFinite(afterSeq) || !Number.isFinite(limit)) return null;
  return { afterSeq, limit };
}
