/**
 * A keyed preflight on the file stores waits for one flush, the ledger's: the decision event records
 * the Idempotency-Key, and the stored answer is journaled behind the caller. What must hold:
 * the answer does not wait for the idempotency journal; the key replays at once; an answer lost to a
 * crash never lets the key be decided twice; a ledger that fails leaves no record claiming success.
 */
import { createHash, randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { STATE_LOCK_FILE } from '../../src/constants.js';
import { LedgerKeyWitness } from '../../src/idempotency/index.js';
import { FileLedgerStore, type LedgerStore } from '../../src/ledger/index.js';
import { Journal } from '../../src/store/journal.js';
import { refund, type TestGateway, testGateway } from '../http/helpers.js';

const PREFLIGHT = '/api/v1/actions/preflight';
const IDEMPOTENCY_JOURNAL = 'idempotency.jsonl';

const dirs: string[] = [];
const gateways: TestGateway[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(gateways.splice(0).map((t) => t.gateway.close().catch(() => undefined)));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'actpass-one-flush-'));
  dirs.push(dir);
  return dir;
}

function open(options: Parameters<typeof testGateway>[0]): TestGateway {
  const t = testGateway(options);
  gateways.push(t);
  return t;
}

function keyed(t: TestGateway, key: string, amount = 100) {
  return t.call('POST', PREFLIGHT, {
    key: t.keys.agent,
    body: refund(amount),
    headers: { 'idempotency-key': key },
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Holds every append to the idempotency journal (the lines are neither written nor flushed until
 * `release()`); other journals write as usual.
 */
function holdIdempotencyJournal() {
  const held: Array<{ entry: unknown; go: () => void }> = [];
  const append = Journal.prototype.append;
  vi.spyOn(Journal.prototype, 'append').mockImplementation(function (this: Journal, entry: unknown) {
    if (path.basename(this.file) !== IDEMPOTENCY_JOURNAL) return append.call(this, entry);
    return new Promise<void>((resolve, reject) => {
      held.push({ entry, go: () => append.call(this, entry).then(resolve, reject) });
    });
  });
  return {
    held,
    release: () => {
      for (const { go } of held.splice(0)) go();
    },
  };
}

async function journalEntries(dir: string): Promise<Array<{ key: string; response: { status: number } }>> {
  const text = await readFile(path.join(dir, IDEMPOTENCY_JOURNAL), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

async function decisionsFor(t: TestGateway, key: string) {
  return (await t.ledger()).filter(
    (event) => event.type === 'decision' && event.data.idempotency_key_sha256 === sha256(key),
  );
}

describe('keyed preflight on file stores: one flush', () => {
  it('is answered once its decision event is durable, while its idempotency record is still unwritten', async () => {
    const dir = await tempDir();
    const t = open({ dir });
    const journal = holdIdempotencyJournal();
    const key = `idem_${randomUUID()}`;

    // Before this design the answer waited for the journal's flush too; with it held it never came.
    const first = await keyed(t, key);
    expect(first.status).toBe(200);
    expect(journal.held.map(({ entry }) => (entry as { key: string }).key)).toEqual([key]);
    const decisions = await decisionsFor(t, key);
    expect(decisions.map((event) => (event as unknown as { id: string }).id)).toEqual([
      first.body.evidence_event_id,
    ]);

    // This process replays the answer at once, before the record reaches the disk.
    const again = await keyed(t, key);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.evidence_event_id).toBe(first.body.evidence_event_id);
    expect(await decisionsFor(t, key)).toHaveLength(1);

    journal.release();
    await t.gateway.close();
    expect((await journalEntries(dir)).map((entry) => [entry.key, entry.response.status])).toEqual([
      [key, 200],
    ]);
  });

  it('replays the stored answer after a restart', async () => {
    const dir = await tempDir();
    const t = open({ dir });
    const key = `idem_${randomUUID()}`;
    const first = await keyed(t, key);
    expect(first.status).toBe(200);
    await t.gateway.close();

    const restarted = open({ dir });
    const replay = await keyed(restarted, key);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await decisionsFor(restarted, key)).toHaveLength(1);
  });

  it('after a crash that lost the answer, a retry with the key is refused naming its decision, never decided again', async () => {
    const dir = await tempDir();
    const t = open({ dir });
    holdIdempotencyJournal();
    const key = `idem_${randomUUID()}`;
    const first = await keyed(t, key);
    expect(first.status).toBe(200);

    // What the disk holds if the process dies now: the decision event, and no idempotency record.
    const crashed = await tempDir();
    await cp(dir, crashed, {
      recursive: true,
      filter: (source) => path.basename(source) !== STATE_LOCK_FILE,
    });
    expect(await journalEntries(crashed)).toEqual([]);
    vi.restoreAllMocks();

    const asked = vi.spyOn(LedgerKeyWitness.prototype, 'decided');
    const restarted = open({ dir: crashed });
    const retry = await keyed(restarted, key);
    expect(asked).toHaveBeenCalled();
    expect(retry.status).toBe(409);
    expect(retry.body.error.code).toBe('request.idempotency_conflict');
    expect(retry.body.error.message).toContain(first.body.evidence_event_id);
    // A second retry is refused the same way: the refusal kept nothing that would let it run.
    expect((await keyed(restarted, key)).status).toBe(409);
    expect(await decisionsFor(restarted, key)).toHaveLength(1);

    // Other keys, and other callers using the same key string, decide as usual.
    expect((await keyed(restarted, `idem_${randomUUID()}`)).status).toBe(200);
    const otherCaller = await restarted.call('POST', PREFLIGHT, {
      key: restarted.other.agent,
      body: refund(100),
      headers: { 'idempotency-key': key },
    });
    expect(otherCaller.status).toBe(200);
  });

  it('a ledger batch that fails leaves no idempotency record claiming success, and the retry runs', async () => {
    const dir = await tempDir();
    // The state directory's own lock (taken by the other file stores) covers this ledger too.
    await mkdir(path.join(dir, 'ledger'), { recursive: true });
    const failing = new FailingLedger(new FileLedgerStore(path.join(dir, 'ledger'), { lock: false }));
    const t = open({ dir, stores: { ledger: failing } });
    const key = `idem_${randomUUID()}`;
    expect((await t.call('POST', PREFLIGHT, { key: t.keys.agent, body: refund(100) })).status).toBe(200);

    failing.down = true;
    const refused = await keyed(t, key);
    expect(refused.status).toBe(503);
    failing.down = false;

    const retry = await keyed(t, key);
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(await decisionsFor(t, key)).toHaveLength(1);
    await t.gateway.close();
    expect((await journalEntries(dir)).map((entry) => [entry.key, entry.response.status])).toEqual([
      [key, 200],
    ]);
  });
});

/** A ledger whose appends fail while `down`, as a full disk would make a batch's write fail. */
class FailingLedger implements LedgerStore {
  down = false;
  constructor(private readonly inner: FileLedgerStore) {}
  append(...args: Parameters<LedgerStore['append']>) {
    if (this.down) return Promise.reject(new Error('the ledger batch could not be written (test)'));
    return this.inner.append(...args);
  }
  list(...args: Parameters<LedgerStore['list']>) {
    return this.inner.list(...args);
  }
  head(tenantId: string) {
    return this.inner.head(tenantId);
  }
  events(tenantId: string) {
    return this.inner.events(tenantId);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
