/**
 * Outcome records waiting for a ride. Each proxied call's `action.outcome` is kept under its agent's
 * key and sent with that key's next preflight (its `outcomes` member), so one call costs the gateway
 * one request instead of two. What no preflight picks up within a short idle delay is sent through
 * the evidence call, one record each, as before; so is everything still waiting when the proxy closes,
 * and whatever a preflight could not deliver. A crash loses what is waiting, as it lost the record of
 * a call in flight before: the decision stays in the ledger without an outcome, reading as unresolved.
 */
import {
  PROXY_AGENT_CLIENTS_MAX,
  PROXY_OUTCOME_IDLE_FLUSH_MS,
  PROXY_OUTCOMES_PER_PREFLIGHT_MAX,
} from '../../constants.js';

export type OutcomeRecord = Record<string, unknown>;

export interface OutcomeSender {
  /** Records one `action.outcome` as the agent; resolves false when it could not be recorded. */
  recordOutcome(agentKey: string, data: OutcomeRecord): Promise<boolean>;
}

export interface OutcomeOutboxOptions {
  sender: OutcomeSender;
  /** Told of each record that could not be recorded at all (never the key or the record's data). */
  onLost: (record: OutcomeRecord) => void;
  /** Keeps the evidence calls it starts, so `settled()` can wait for them. */
  track: (work: Promise<unknown>) => void;
  idleMs?: number;
}

export class OutcomeOutbox {
  readonly #waiting = new Map<string, OutcomeRecord[]>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #options: OutcomeOutboxOptions;

  constructor(options: OutcomeOutboxOptions) {
    this.#options = options;
  }

  /** Keeps one record for the key's next preflight; more than one preflight can carry go now. */
  add(agentKey: string, record: OutcomeRecord): void {
    let waiting = this.#waiting.get(agentKey);
    if (!waiting) {
      waiting = [];
      this.#waiting.set(agentKey, waiting);
      // Too many keys waiting at once: the longest-waiting key's records go now, so memory stays bounded.
      if (this.#waiting.size > PROXY_AGENT_CLIENTS_MAX) {
        this.#flushKey(this.#waiting.keys().next().value as string);
      }
    }
    waiting.push(record);
    if (waiting.length > PROXY_OUTCOMES_PER_PREFLIGHT_MAX) {
      this.#send(agentKey, waiting.splice(0, waiting.length - PROXY_OUTCOMES_PER_PREFLIGHT_MAX));
    }
    this.#arm(agentKey);
  }

  /** Takes what the key's next preflight carries (at most the contract's limit); the rest waits. */
  take(agentKey: string): OutcomeRecord[] {
    const waiting = this.#waiting.get(agentKey);
    if (!waiting) return [];
    const taken = waiting.splice(0, PROXY_OUTCOMES_PER_PREFLIGHT_MAX);
    if (waiting.length === 0) this.#forget(agentKey);
    return taken;
  }

  /** Records a preflight did not deliver: through the evidence call, now. */
  undelivered(agentKey: string, records: readonly OutcomeRecord[]): void {
    this.#send(agentKey, records);
  }

  /** Sends everything waiting through the evidence call (on close). */
  flushAll(): void {
    for (const agentKey of [...this.#waiting.keys()]) this.#flushKey(agentKey);
  }

  #arm(agentKey: string): void {
    clearTimeout(this.#timers.get(agentKey));
    const timer = setTimeout(
      () => this.#flushKey(agentKey),
      this.#options.idleMs ?? PROXY_OUTCOME_IDLE_FLUSH_MS,
    );
    // A waiting record never keeps the process alive; close() flushes what is left.
    timer.unref();
    this.#timers.set(agentKey, timer);
  }

  #flushKey(agentKey: string): void {
    const waiting = this.#waiting.get(agentKey) ?? [];
    this.#forget(agentKey);
    this.#send(agentKey, waiting);
  }

  #forget(agentKey: string): void {
    clearTimeout(this.#timers.get(agentKey));
    this.#timers.delete(agentKey);
    this.#waiting.delete(agentKey);
  }

  #send(agentKey: string, records: readonly OutcomeRecord[]): void {
    for (const record of records) {
      this.#options.track(
        this.#options.sender.recordOutcome(agentKey, record).then((recorded) => {
          if (!recorded) this.#options.onLost(record);
        }),
      );
    }
  }
}
