/**
 * The ledger as a witness for idempotency keys: it finds the decision that answered a key for the API
 * key that sent it, within the key's lifetime, and nothing else.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LedgerKeyWitness } from '../../src/idempotency/index.js';
import { MemoryLedgerStore } from '../../src/ledger/index.js';

const TENANT = 'acme';
const TTL_MS = 60_000;
const NOW = Date.UTC(2026, 0, 2);

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

async function ledgerWith(
  events: Array<{ type?: string; keyId: string; key: string | null; atMs: number }>,
): Promise<{ ledger: MemoryLedgerStore; ids: string[] }> {
  const ledger = new MemoryLedgerStore();
  const ids: string[] = [];
  for (const event of events) {
    const appended = await ledger.append(TENANT, {
      type: event.type ?? 'decision',
      at: new Date(event.atMs).toISOString(),
      data: {
        decision: 'allow',
        key_id: event.keyId,
        idempotency_key_sha256: event.key === null ? null : sha256(event.key),
      },
    });
    ids.push(appended.id);
  }
  return { ledger, ids };
}

describe('LedgerKeyWitness', () => {
  it('names the decision that answered a key for the API key that sent it', async () => {
    const { ledger, ids } = await ledgerWith([
      { keyId: 'agent_1', key: 'idem_a', atMs: NOW - 1_000 },
      { keyId: 'agent_2', key: 'idem_b', atMs: NOW - 1_000 },
      { keyId: 'agent_1', key: null, atMs: NOW - 1_000 },
    ]);
    const witness = new LedgerKeyWitness(ledger, () => NOW, TTL_MS);
    expect(await witness.decided({ tenantId: TENANT, keyId: 'agent_1' }, 'idem_a')).toBe(ids[0]);
    expect(await witness.decided({ tenantId: TENANT, keyId: 'agent_2' }, 'idem_b')).toBe(ids[1]);
    // The same key string sent by another API key, or to another tenant, is another key.
    expect(await witness.decided({ tenantId: TENANT, keyId: 'agent_2' }, 'idem_a')).toBeUndefined();
    expect(await witness.decided({ tenantId: 'other', keyId: 'agent_1' }, 'idem_a')).toBeUndefined();
    expect(await witness.decided({ tenantId: TENANT, keyId: 'agent_1' }, 'idem_never')).toBeUndefined();
  });

  it('ignores decisions older than the key lifetime and events that are not decisions', async () => {
    const { ledger } = await ledgerWith([
      { keyId: 'agent_1', key: 'idem_old', atMs: NOW - TTL_MS },
      { type: 'custom.note', keyId: 'agent_1', key: 'idem_note', atMs: NOW - 1_000 },
    ]);
    const witness = new LedgerKeyWitness(ledger, () => NOW, TTL_MS);
    expect(await witness.decided({ tenantId: TENANT, keyId: 'agent_1' }, 'idem_old')).toBeUndefined();
    expect(await witness.decided({ tenantId: TENANT, keyId: 'agent_1' }, 'idem_note')).toBeUndefined();
  });

  it('reads the ledger again after a failed read instead of trusting an empty index', async () => {
    const { ledger, ids } = await ledgerWith([{ keyId: 'agent_1', key: 'idem_a', atMs: NOW - 1_000 }]);
    let failNext = true;
    const flaky = Object.assign(Object.create(ledger) as MemoryLedgerStore, {
      events(tenantId: string) {
        if (failNext) {
          failNext = false;
          throw new Error('ledger unreadable (test)');
        }
        return ledger.events(tenantId);
      },
    });
    const witness = new LedgerKeyWitness(flaky, () => NOW, TTL_MS);
    await expect(witness.decided({ tenantId: TENANT, keyId: 'agent_1' }, 'idem_a')).rejects.toThrow(
      /unreadable/,
    );
    expect(await witness.decided({ tenantId: TENANT, keyId: 'agent_1' }, 'idem_a')).toBe(ids[0]);
  });
});
