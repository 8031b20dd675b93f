/** In-process ledger for tests and ephemeral gateways: nothing survives a restart. */
import { type AppendInput, type LedgerEvent, type LedgerHead, newEventId, nextEvent } from './event.js';
import { headOf, type LedgerStore, type LedgerStoreOptions, type ListOptions, listWindow } from './store.js';

export class MemoryLedgerStore implements LedgerStore {
  readonly #chains = new Map<string, LedgerEvent[]>();
  /** Each tenant's events by id, for `find` (outcome records name the decision they follow). */
  readonly #byId = new Map<string, Map<string, LedgerEvent>>();
  readonly #clock: () => Date;
  readonly #newId: () => string;

  constructor(options: LedgerStoreOptions = {}) {
    this.#clock = options.clock ?? (() => new Date());
    this.#newId = options.newId ?? newEventId;
  }

  async append(tenantId: string, input: AppendInput): Promise<LedgerEvent> {
    // No await between reading the head and pushing: appends are atomic on the event loop.
    const chain = this.#chain(tenantId);
    const event = nextEvent(tenantId, input, headOf(chain), this.#clock().toISOString(), this.#newId());
    chain.push(event);
    let ids = this.#byId.get(tenantId);
    if (!ids) {
      ids = new Map();
      this.#byId.set(tenantId, ids);
    }
    ids.set(event.id, event);
    return event;
  }

  async find(tenantId: string, id: string): Promise<LedgerEvent | null> {
    return this.#byId.get(tenantId)?.get(id) ?? null;
  }

  async list(tenantId: string, options?: ListOptions): Promise<LedgerEvent[]> {
    return listWindow(this.#chains.get(tenantId) ?? [], options);
  }

  async head(tenantId: string): Promise<LedgerHead> {
    return headOf(this.#chains.get(tenantId) ?? []);
  }

  async *events(tenantId: string): AsyncIterable<LedgerEvent> {
    yield* [...(this.#chains.get(tenantId) ?? [])];
  }

  #chain(tenantId: string): LedgerEvent[] {
    let chain = this.#chains.get(tenantId);
    if (!chain) {
      chain = [];
      this.#chains.set(tenantId, chain);
    }
    return chain;
  }
}
