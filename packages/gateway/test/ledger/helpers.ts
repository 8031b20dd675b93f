import type { LedgerEvent } from '../../src/ledger/index.js';
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
