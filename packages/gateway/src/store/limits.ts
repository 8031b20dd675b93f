/**
 * Rate-limit and budget counters in memory and in a journal file. One process owns a state directory
 * (its lock), so the check-and-add below, which never awaits between the check and the add, is atomic
 * for everything that process decides. A journal line is a counter's value after a change; replay keeps
 * the last line per counter and skips windows that have ended.
 */
import { Journal, LoadOnce } from './journal.js';
import type { LimitCharge, LimitCounter, LimitStore } from './types.js';

interface CounterState {
  tenant_id: string;
  key: string;
  window_start_ms: number;
  window_end_ms: number;
  used: number;
}

function counterKey(tenantId: string, counter: LimitCounter): string {
  return JSON.stringify([tenantId, counter.key, counter.window_start_ms]);
}

export class MemoryLimitStore implements LimitStore {
  protected readonly counters = new Map<string, CounterState>();
  #changes = 0;

  constructor(private readonly nowMs: () => number = Date.now) {}

  async usage(tenantId: string, counters: readonly LimitCounter[]): Promise<number[]> {
    return counters.map((counter) => this.counters.get(counterKey(tenantId, counter))?.used ?? 0);
  }

  async charge(tenantId: string, charges: readonly LimitCharge[]): Promise<boolean> {
    return this.chargeNow(tenantId, charges) !== undefined;
  }

  /** The synchronous check-and-add; the changed counters, or undefined when one would pass its max. */
  protected chargeNow(tenantId: string, charges: readonly LimitCharge[]): CounterState[] | undefined {
    const totals = new Map<string, number>();
    for (const charge of charges) {
      const key = counterKey(tenantId, charge);
      const total = (totals.get(key) ?? this.counters.get(key)?.used ?? 0) + charge.amount;
      if (total > charge.max) return undefined;
      totals.set(key, total);
    }
    const changed: CounterState[] = [];
    for (const charge of charges) {
      const key = counterKey(tenantId, charge);
      const state: CounterState = {
        tenant_id: tenantId,
        key: charge.key,
        window_start_ms: charge.window_start_ms,
        window_end_ms: charge.window_end_ms,
        used: totals.get(key) as number,
      };
      this.counters.set(key, state);
      changed.push(state);
    }
    this.#sweep();
    return changed;
  }

  async refund(tenantId: string, charges: readonly LimitCharge[]): Promise<void> {
    this.refundNow(tenantId, charges);
  }

  protected refundNow(tenantId: string, charges: readonly LimitCharge[]): CounterState[] {
    const changed: CounterState[] = [];
    for (const charge of charges) {
      const state = this.counters.get(counterKey(tenantId, charge));
      if (!state) continue;
      state.used = Math.max(0, state.used - charge.amount);
      changed.push({ ...state });
    }
    return changed;
  }

  /** Drops ended windows now and then, so counters do not accumulate forever. */
  #sweep(): void {
    this.#changes += 1;
    if (this.#changes % 1024 !== 0) return;
    const now = this.nowMs();
    for (const [key, state] of this.counters) if (state.window_end_ms <= now) this.counters.delete(key);
  }
}

export class FileLimitStore extends MemoryLimitStore {
  readonly #journal: Journal;
  readonly #loaded: LoadOnce;

  constructor(file: string, nowMs: () => number = Date.now) {
    super(nowMs);
    this.#journal = new Journal(file);
    this.#loaded = new LoadOnce(async () => {
      const now = nowMs();
      for (const entry of (await this.#journal.readAll()) as CounterState[]) {
        const key = counterKey(entry.tenant_id, entry);
        if (entry.window_end_ms <= now) this.counters.delete(key);
        else this.counters.set(key, entry);
      }
    });
  }

  /** Flushes and closes the journal (the gateway's close() calls it). */
  close(): Promise<void> {
    return this.#journal.close();
  }

  override async usage(tenantId: string, counters: readonly LimitCounter[]): Promise<number[]> {
    await this.#loaded.ready();
    return super.usage(tenantId, counters);
  }

  override async charge(tenantId: string, charges: readonly LimitCharge[]): Promise<boolean> {
    await this.#loaded.ready();
    const changed = this.chargeNow(tenantId, charges);
    if (!changed) return false;
    try {
      for (const state of changed) await this.#journal.append(state);
    } catch (error) {
      // Not on disk, not charged: the caller answers 503 and the counters say what they said before.
      this.refundNow(tenantId, charges);
      throw error;
    }
    return true;
  }

  override async refund(tenantId: string, charges: readonly LimitCharge[]): Promise<void> {
    await this.#loaded.ready();
    for (const state of this.refundNow(tenantId, charges)) await this.#journal.append(state);
  }
}
