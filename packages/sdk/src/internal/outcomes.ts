import type { Logger } from '../core/logger.js';

/** One `action.outcome` evidence record waiting to be sent. */
export interface OutcomeRecord {
  /** The decision's ledger event the outcome belongs to (logged when the record is dropped). */
  evidenceEventId: string | undefined;
  /** Sends the record; it carries its own idempotency key, so every retry is the same request. */
  send: () => Promise<unknown>;
}

/**
 * A bounded background queue of outcome records, so `guard()` returns when `execute` returns (the
 * record is evidence about the past; nothing waits on it). At most `concurrency` records are in
 * flight; past `limit` waiting records a new one is dropped and logged with its evidence id.
 * `flush()` resolves when everything queued so far has been sent or given up on.
 */
export class OutcomeQueue {
  readonly #waiting: OutcomeRecord[] = [];
  readonly #log: Required<Logger>;
  readonly #limit: number;
  readonly #concurrency: number;
  #inFlight = 0;
  #idle: Array<() => void> = [];

  constructor(log: Required<Logger>, limit: number, concurrency: number) {
    this.#log = log;
    this.#limit = limit;
    this.#concurrency = concurrency;
  }

  /** Records waiting or in flight. */
  get size(): number {
    return this.#waiting.length + this.#inFlight;
  }

  /** Queues a record; false (and a warning naming its evidence id) when the queue is full. */
  push(record: OutcomeRecord): boolean {
    if (this.#waiting.length >= this.#limit) {
      this.#log.warn('outcome record dropped: the background queue is full', {
        evidence_event_id: record.evidenceEventId ?? null,
        queue_limit: this.#limit,
      });
      return false;
    }
    this.#waiting.push(record);
    this.#pump();
    return true;
  }

  /** Resolves once every record queued before (and during) the call has been sent or dropped. */
  flush(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (this.#inFlight < this.#concurrency && this.#waiting.length > 0) {
      const record = this.#waiting.shift() as OutcomeRecord;
      this.#inFlight++;
      void this.#sendOne(record).finally(() => {
        this.#inFlight--;
        this.#pump();
        if (this.size === 0) for (const resolve of this.#idle.splice(0)) resolve();
      });
    }
  }

  async #sendOne(record: OutcomeRecord): Promise<void> {
    try {
      await record.send();
    } catch (error) {
      this.#log.warn('outcome record dropped: could not record the action outcome', {
        evidence_event_id: record.evidenceEventId ?? null,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
