import { vi } from 'vitest';
import type { LedgerEvent, LedgerStore } from '../../src/ledger/index.js';
import { MemoryLedgerStore } from '../../src/ledger/index.js';

export const TENANT = 'tenant_a';

/** A deterministic clock and id source so chains are reproducible. */
export function fixedSources(start = Date.UTC(2026, 0, 1)) {
  let tick = 0;
  let id = 0;
  return {
    clock: () => new Date(start + 1000 * tick++),
    newId: () => `ev_${String(++id).padStart(22, '0')}`,
  };
}

export async function buildChain(count: number, tenantId = TENANT): Promise<LedgerEvent[]> {
  const store = new MemoryLedgerStore(fixedSources());
  for (let i = 1; i <= count; i++) {
    await store.append(tenantId, {
      type: i % 2 ? 'decision' : 'evidence',
      data: { n: i, note: `event ${i}` },
    });
  }
  return [...(await store.list(tenantId, { limit: 1000 }))];
}

/** Mutable deep copy of a (frozen) chain for tampering. */
export const thaw = (events: readonly LedgerEvent[]): LedgerEvent[] => JSON.parse(JSON.stringify(events));

/** Type of the event `poisonEventSerialization` makes unwritable. */
export const POISON_TYPE = 'test.poison';

/**
 * Makes `JSON.stringify` of a sealed `test.poison` event throw, as a runtime limit (stack overflow on
 * hostile nesting) would when a store serialises it. Returns the undo.
 */
export function poisonEventSerialization(): () => void {
  const original = JSON.stringify;
  const spy = vi.spyOn(JSON, 'stringify').mockImplementation((value, ...rest) => {
    const event = value as { type?: unknown; hash?: unknown } | null;
    if (typeof event === 'object' && event !== null && event.type === POISON_TYPE && 'hash' in event) {
      throw new RangeError('Maximum call stack size exceeded');
    }
    return original.call(JSON, value, ...(rest as [never]));
  });
  return () => spy.mockRestore();
}

/** Three appends in one tick (one batch); the middle one cannot be serialised. */
export async function appendBatchWithPoison(store: LedgerStore, tenant: string) {
  const undo = poisonEventSerialization();
  try {
    return await Promise.allSettled([
      store.append(tenant, { type: 'evidence', data: { i: 1 } }),
      store.append(tenant, { type: POISON_TYPE, data: { i: 2 } }),
      store.append(tenant, { type: 'evidence', data: { i: 3 } }),
    ]);
  } finally {
    undo();
  }
}
