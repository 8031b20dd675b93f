import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FileLedgerStore,
  LEDGER_LOCK_FILE,
  LedgerCorruptError,
  LedgerLockedError,
  verifyStoredChain,
} from '../../src/ledger/index.js';
import { fixedSources, TENANT } from './helpers.js';

let dir: string;
const stores: FileLedgerStore[] = [];
const openStore = () => {
  const store = new FileLedgerStore(dir, fixedSources());
  stores.push(store);
  return store;
};

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'actpass-ledger-'));
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

async function writeEvents(count: number, tenant = TENANT) {
  const store = openStore();
  for (let i = 1; i <= count; i++) await store.append(tenant, { type: 'evidence', data: { i } });
  await store.close();
  return store.fileFor(tenant);
}

describe('FileLedgerStore', () => {
  it('writes one JSON event per line and survives reopening', async () => {
    const file = await writeEvents(5);
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[5]).toBe('');
    expect(JSON.parse(lines[0]!)).toMatchObject({ seq: 1, data: { i: 1 } });

    const reopened = openStore();
    expect(await reopened.head(TENANT)).toMatchObject({ seq: 5 });
    const next = await reopened.append(TENANT, { type: 'evidence', data: { i: 6 } });
    expect(next.seq).toBe(6);
    expect(await verifyStoredChain(reopened, TENANT)).toMatchObject({ ok: true, head: { seq: 6 } });
  });

  it('names files safely per tenant', async () => {
    const store = openStore();
    await store.append('acme_1', { type: 'evidence', data: {} });
    await store.append('../Evil/Tenant', { type: 'evidence', data: {} });
    const long = 'Long Tenant '.repeat(10);
    await store.append(long, { type: 'evidence', data: {} });
    expect((await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort()).toEqual([
      'acme_1.jsonl',
      `h.${createHash('sha256').update(long).digest('hex')}.jsonl`,
      `x.${Buffer.from('../Evil/Tenant').toString('hex')}.jsonl`,
    ]);
  });

  it('1,000 concurrent appends form one linear chain on disk', async () => {
    const store = openStore();
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) => store.append(TENANT, { type: 'evidence', data: { i } })),
    );
    await store.close();
    const reopened = openStore();
    expect(await verifyStoredChain(reopened, TENANT)).toMatchObject({ ok: true, head: { seq: 1000 } });
  }, 60_000);

  it('group commit: an invalid append in a concurrent batch fails alone', async () => {
    const store = openStore();
    const results = await Promise.allSettled([
      store.append(TENANT, { type: 'evidence', data: { i: 1 } }),
      store.append(TENANT, { type: 'credential.stored', data: { value: 'sk_live_secret' } }),
      store.append(TENANT, { type: 'evidence', data: { i: 2 } }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.seq] : []))).toEqual([1, 2]);
    await store.close();
    expect(await readFile(store.fileFor(TENANT), 'utf8')).not.toContain('sk_live_secret');
    expect(await verifyStoredChain(openStore(), TENANT)).toMatchObject({ ok: true, head: { seq: 2 } });
  });

  it('reports a torn last line with file and line, refuses appends, and repairs only on request', async () => {
    const file = await writeEvents(3);
    const torn = '{"v":1,"seq":4,"id":"ev_';
    await appendFile(file, torn);

    const store = openStore();
    const failure = await store.head(TENANT).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LedgerCorruptError);
    expect(failure).toMatchObject({ kind: 'torn_tail', file, line: 4 });
    expect((failure as Error).message).toContain(file);
    await expect(store.append(TENANT, { type: 'evidence', data: {} })).rejects.toThrow(LedgerCorruptError);

    expect(await store.repairTornTail(TENANT)).toEqual({
      torn_path: `${file}.torn`,
      moved_bytes: torn.length,
    });
    expect(await readFile(`${file}.torn`, 'utf8')).toBe(torn);
    expect(await store.head(TENANT)).toMatchObject({ seq: 3 });
    expect((await store.append(TENANT, { type: 'evidence', data: {} })).seq).toBe(4);
    expect(await store.repairTornTail(TENANT)).toBeNull();
  });

  it('treats a complete event without its newline as torn too', async () => {
    const file = await writeEvents(2);
    const bytes = await readFile(file);
    await truncate(file, bytes.byteLength - 1);
    await expect(openStore().head(TENANT)).rejects.toMatchObject({ kind: 'torn_tail', line: 2 });
  });

  it('reports a broken line or a broken chain in the middle (not repairable as a torn tail)', async () => {
    const file = await writeEvents(4);
    const lines = (await readFile(file, 'utf8')).split('\n');
    await writeFile(file, [lines[0], 'garbage', ...lines.slice(2)].join('\n'));
    const first = openStore();
    await expect(first.head(TENANT)).rejects.toMatchObject({ kind: 'bad_line', line: 2 });
    await first.close();

    await writeFile(file, [lines[0], lines[1]!.replace('"i":2', '"i":3'), ...lines.slice(2)].join('\n'));
    const store = openStore();
    await expect(store.head(TENANT)).rejects.toMatchObject({ kind: 'broken_chain', line: 2 });
    expect(await store.repairTornTail(TENANT)).toBeNull();
    await expect(store.head(TENANT)).rejects.toMatchObject({ kind: 'broken_chain' });
  });

  it('does not serve a file that belongs to another tenant', async () => {
    const store = openStore();
    await store.append('tenant_b', { type: 'evidence', data: {} });
    await store.close();
    await writeFile(path.join(dir, `${TENANT}.jsonl`), await readFile(store.fileFor('tenant_b')));
    await expect(openStore().head(TENANT)).rejects.toMatchObject({ kind: 'broken_chain', line: 1 });
  });

  it("refuses a second live owner of the directory, and takes over a dead one's lock", async () => {
    const owner = openStore();
    await owner.append(TENANT, { type: 'evidence', data: {} });
    const intruder = openStore();
    await expect(intruder.append(TENANT, { type: 'evidence', data: {} })).rejects.toThrow(LedgerLockedError);
    await owner.close();
    expect((await intruder.append(TENANT, { type: 'evidence', data: {} })).seq).toBe(2);
    await intruder.close();

    await writeFile(
      path.join(dir, LEDGER_LOCK_FILE),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname() }),
    );
    expect((await openStore().append(TENANT, { type: 'evidence', data: {} })).seq).toBe(3);
  });
});
