/**
 * No append is ever left unanswered. An event the store cannot serialise fails alone; the
 * others committed in the same batch are answered and written, and nothing is written for the failed one.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileLedgerStore, MemoryLedgerStore, verifyStoredChain } from '../../src/ledger/index.js';
import { appendBatchWithPoison, fixedSources, TENANT } from './helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a batch with one event that cannot be serialised', () => {
  it('file store: the others are answered and written, the failed one is not', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'actpass-batch-'));
    const store = new FileLedgerStore(dir, fixedSources());
    cleanups.push(
      () => rm(dir, { recursive: true, force: true }),
      () => store.close(),
    );

    const [first, poisoned, third] = await appendBatchWithPoison(store, TENANT);
    expect(first).toMatchObject({ status: 'fulfilled', value: { seq: 1 } });
    expect(poisoned).toMatchObject({ status: 'rejected' });
    expect(third).toMatchObject({ status: 'fulfilled', value: { seq: 2, data: { i: 3 } } });

    const lines = (await readFile(store.fileFor(TENANT), 'utf8')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).type)).toEqual(['evidence', 'evidence']);
    expect(await verifyStoredChain(store, TENANT)).toMatchObject({ ok: true, head: { seq: 2 } });
    // The store still works afterwards.
    expect(await store.append(TENANT, { type: 'evidence', data: { i: 4 } })).toMatchObject({ seq: 3 });
  });

  it('memory store: the same outcome', async () => {
    const store = new MemoryLedgerStore(fixedSources());
    const results = await appendBatchWithPoison(store, TENANT);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(await verifyStoredChain(store, TENANT)).toMatchObject({ ok: true, head: { seq: 3 } });
  });
});
