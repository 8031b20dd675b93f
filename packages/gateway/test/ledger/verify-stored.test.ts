/**
 * `ChainVerifier.pushStored` (the file store's path: the hash is taken over the stored line itself when
 * that line is provably the canonical text) must decide exactly as `push` does, on any content.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ChainVerifier,
  GENESIS_HASH,
  type LedgerEvent,
  MemoryLedgerStore,
  parseLedgerFile,
} from '../../src/ledger/index.js';
import { fixedSources, TENANT } from './helpers.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function bothWays(lines: string[]) {
  const plain = new ChainVerifier({ tenantId: TENANT });
  const stored = new ChainVerifier({ tenantId: TENANT });
  for (const line of lines) {
    const a = plain.push(JSON.parse(line));
    const b = stored.pushStored(JSON.parse(line), line);
    expect(b).toEqual(a);
    if (a) break;
  }
  const result = plain.finish();
  expect(stored.finish()).toEqual(result);
  return result;
}

/** An event line with members in the stored order, hashed over `hashedText`. */
function line(data: string, hashedText?: (unsealed: string) => string): string {
  const unsealed = `{"at":"2026-01-01T00:00:00.000Z","data":${data},"id":"ev_1","prev_hash":"${GENESIS_HASH}","seq":1,"tenant_id":"${TENANT}","type":"decision","v":1}`;
  const hash = sha256(hashedText ? hashedText(unsealed) : unsealed);
  return `${unsealed.slice(0, -1)},"hash":"${hash}"}`;
}

describe('verifying stored lines without re-serialising', () => {
  it('decides exactly as push on random content, before and after a random one-event edit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        fc.jsonValue({ maxDepth: 2 }),
        async (datas, pick, replacement) => {
          const store = new MemoryLedgerStore(fixedSources());
          for (const data of datas) await store.append(TENANT, { type: 'decision', data: data as never });
          const lines: string[] = [];
          for await (const event of store.events(TENANT)) lines.push(JSON.stringify(event));
          expect(bothWays(lines)).toMatchObject({ ok: true, head: { seq: datas.length } });
          const index = pick % lines.length;
          const edited = JSON.parse(lines[index] as string) as LedgerEvent;
          edited.data = { ...edited.data, edited: replacement as never };
          lines[index] = JSON.stringify(edited);
          expect(bothWays(lines)).toMatchObject({ ok: false, first_broken_seq: index + 1 });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('hashes the canonical form, never the line, when the line is not canonical', () => {
    // Unsorted members, hashed as stored: a writer that skipped canonicalisation. Not accepted.
    expect(bothWays([line('{"b":1,"a":2}')])).toMatchObject({ ok: false, reason: 'hash_mismatch' });
    // The same line hashed over its canonical form: accepted, through the general path.
    const canonical = (text: string) => text.replace('{"b":1,"a":2}', '{"a":2,"b":1}');
    expect(bothWays([line('{"b":1,"a":2}', canonical)])).toMatchObject({ ok: true });
    // Nested unsorted members too.
    expect(bothWays([line('{"a":{"z":1,"y":2}}')])).toMatchObject({ ok: false, reason: 'hash_mismatch' });
  });

  it('rejects a lone surrogate in a stored line whatever its hash says', () => {
    const lone = line('{"a":"\\ud800"}');
    expect(JSON.stringify(JSON.parse(lone))).toBe(lone);
    expect(bothWays([lone])).toMatchObject({ ok: false, reason: 'hash_mismatch' });
    expect(() => parseLedgerFile('t.jsonl', Buffer.from(`${lone}\n`), TENANT)).toThrow(
      expect.objectContaining({ kind: 'broken_chain', line: 1 }),
    );
  });

  it('a hostile member order in the envelope takes the general path', () => {
    const reordered = line('{}').replace(
      '"at":"2026-01-01T00:00:00.000Z","data":{},',
      '"data":{},"at":"2026-01-01T00:00:00.000Z",',
    );
    const event = JSON.parse(reordered);
    const { hash: _ignored, ...rest } = event;
    event.hash = sha256(JSON.stringify(rest));
    // Hashed over the non-canonical envelope order: rejected both ways.
    expect(bothWays([JSON.stringify(event)])).toMatchObject({ ok: false, reason: 'hash_mismatch' });
  });
});
