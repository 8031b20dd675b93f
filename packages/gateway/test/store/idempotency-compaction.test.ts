/**
 * The file idempotency journal is compacted when the gateway starts: expired and superseded lines go,
 * and an answer stored with a credential's value (as journals written before leases were kept out of
 * idempotency records did) loses it. The secret must not stay on disk, and the key still replays.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { FileIdempotencyStore, Journal } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'actpass-idem-compact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const HOUR = 3_600_000;
const SECRET = 'sk_live_51Hsecret_from_an_old_journal';
let count = 0;

const line = (key: string, body: unknown, expiresAtMs = NOW + HOUR) =>
  JSON.stringify({
    scope: 't1',
    key,
    fingerprint: `fp_${key}`,
    response: { status: 200, body: JSON.stringify(body) },
    expires_at_ms: expiresAtMs,
  });

function journalWith(lines: string[], tornTail = ''): string {
  const file = join(dir, `idempotency-${++count}.jsonl`);
  writeFileSync(file, `${lines.join('\n')}\n${tornTail}`); // a crash mid-write leaves no newline
  return file;
}

describe('file idempotency journal, on start', () => {
  it('drops a stored secret, expired and superseded lines and a torn tail, and still replays', async () => {
    const file = journalWith(
      [
        line('old', { decision: 'allow', credential: { name: 'stripe', value: SECRET, expires_at: 'x' } }),
        line('expired', { decision: 'deny' }, NOW - 1),
        line('twice', { decision: 'deny', n: 1 }),
        line('twice', { decision: 'deny', n: 2 }),
      ],
      '{"scope":"t1","key":"torn","finger',
    );
    const store = new FileIdempotencyStore(file, () => NOW);
    const replay = await store.begin('t1', 'old', 'fp_old', NOW, NOW + HOUR);
    expect(replay.started).toBe(false);
    const body = JSON.parse((replay as { record: { response: { body: string } } }).record.response.body);
    expect(body).toEqual({ decision: 'allow' });
    const twice = await store.begin('t1', 'twice', 'fp_twice', NOW, NOW + HOUR);
    expect(JSON.parse((twice as { record: { response: { body: string } } }).record.response.body).n).toBe(2);
    expect((await store.begin('t1', 'expired', 'fp_expired', NOW, NOW + HOUR)).started).toBe(true);

    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).key),
    ).toEqual(['old', 'twice']);
    await store.close();
  });

  it('leaves a journal with nothing to drop as it is', async () => {
    const file = journalWith([
      line('a', { decision: 'allow', credential: null }),
      line('b', { decision: 'deny' }),
    ]);
    const rewrite = vi.spyOn(Journal.prototype, 'rewrite');
    const store = new FileIdempotencyStore(file, () => NOW);
    expect((await store.begin('t1', 'a', 'fp_a', NOW, NOW + HOUR)).started).toBe(false);
    expect(rewrite).not.toHaveBeenCalled();
    await store.close();
  });
});
