/** The file stores' journal: durable appends, group-committed, in order, surviving a reopen. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Journal } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'actpass-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());
let count = 0;
const freshFile = () => join(dir, `journal-${++count}.jsonl`);

/** Counts `datasync` calls on every file handle opened from now on. */
async function countDatasyncs(): Promise<{ count: () => number }> {
  const probe = await open(join(dir, 'probe'), 'a');
  const prototype = Object.getPrototypeOf(probe);
  await probe.close();
  const spy = vi.spyOn(prototype, 'datasync');
  return { count: () => spy.mock.calls.length };
}

describe('Journal', () => {
  it('writes concurrent appends in order with fewer flushes than appends, all durable on reopen', async () => {
    const file = freshFile();
    const syncs = await countDatasyncs();
    const journal = new Journal(file);
    const entries = Array.from({ length: 200 }, (_, index) => ({ index }));
    await Promise.all(entries.map((entry) => journal.append(entry)));
    expect(syncs.count()).toBeGreaterThan(0);
    expect(syncs.count()).toBeLessThan(entries.length);
    await journal.close();
    expect(await new Journal(file).readAll()).toEqual(entries);
  });

  it('writes lines that need no flush in order, and flushes a batch only for a line that does', async () => {
    const file = freshFile();
    const syncs = await countDatasyncs();
    const journal = new Journal(file);
    await Promise.all([1, 2, 3].map((n) => journal.append({ n }, { durable: false })));
    expect(syncs.count()).toBe(0);
    await journal.append({ n: 4 });
    expect(syncs.count()).toBe(1); // and that one flush covers the lines written before it
    await journal.close();
    expect(await new Journal(file).readAll()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
  });

  it('repairs a crash-cut last line before appending: a fragment is cut off, a whole line ended', async () => {
    for (const [tail, expected] of [
      ['{"n":2,"cut', [{ n: 1 }, { n: 3 }]],
      ['{"n":2}', [{ n: 1 }, { n: 2 }, { n: 3 }]],
    ] as const) {
      const file = freshFile();
      writeFileSync(file, `{"n":1}\n${tail}`);
      const journal = new Journal(file);
      expect(await journal.readAll()).toEqual(expected.filter((entry) => entry.n !== 3));
      await journal.append({ n: 3 });
      await journal.close();
      expect(await new Journal(file).readAll()).toEqual(expected);
    }
  });

  it('answers an entry that cannot be written with an error and keeps writing the others', async () => {
    const file = freshFile();
    const journal = new Journal(file);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const results = await Promise.allSettled([
      journal.append({ n: 1 }),
      journal.append(cyclic),
      journal.append({ n: 2 }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await journal.close();
    expect(await new Journal(file).readAll()).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('fails the appends of a batch whose flush fails, then recovers for the next one', async () => {
    const file = freshFile();
    const journal = new Journal(file);
    await journal.append({ n: 0 });
    const probe = await open(join(dir, 'probe'), 'a');
    const prototype = Object.getPrototypeOf(probe);
    await probe.close();
    const spy = vi.spyOn(prototype, 'datasync').mockRejectedValueOnce(new Error('EIO (test)'));
    await expect(journal.append({ n: 1 })).rejects.toThrow('EIO (test)');
    spy.mockRestore();
    await journal.append({ n: 3 });
    await journal.close();
    expect((await new Journal(file).readAll()).at(-1)).toEqual({ n: 3 });
  });
});
