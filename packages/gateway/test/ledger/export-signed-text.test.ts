/**
 * The signature input written by `JSON.stringify` must be byte for byte the general canonicaliser's
 * output, for well-formed exports and for hostile ones (extra members, unsorted data, odd numbers).
 */
import { canonicalBytes } from '@actpass/sdk/canonical';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signedExportBytes } from '../../src/ledger/export-signed-text.js';
import { exportEvidence, MemoryLedgerStore, verifyExport } from '../../src/ledger/index.js';
import { Keyset } from '../../src/passport/index.js';
import { fixedSources, TENANT } from './helpers.js';

const NOW = new Date('2026-02-01T00:00:00.000Z');

const general = (exported: Record<string, unknown>) => {
  const { signature: _ignored, ...unsigned } = exported;
  return Buffer.from(canonicalBytes(unsigned)).toString('utf8');
};
const fast = (exported: Record<string, unknown>) => Buffer.from(signedExportBytes(exported)).toString('utf8');

async function exportOf(datas: Record<string, unknown>[]) {
  const keyset = Keyset.generate(NOW);
  const store = new MemoryLedgerStore(fixedSources());
  for (const data of datas) await store.append(TENANT, { type: 'decision', data: data as never });
  const events = [...(await store.list(TENANT, { limit: 1000 }))];
  const text = JSON.stringify(exportEvidence(events, TENANT, keyset, NOW));
  return { keyset, parse: () => JSON.parse(text) as Record<string, unknown> };
}

describe('signed export bytes', () => {
  it('equal the general canonical form on random content, also after hostile edits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), { minLength: 1, maxLength: 6 }),
        fc.string(),
        fc.jsonValue({ maxDepth: 2 }),
        async (datas, key, value) => {
          const { keyset, parse } = await exportOf(datas);
          const jwks = keyset.jwks();
          expect(fast(parse())).toBe(general(parse()));
          expect(verifyExport(parse(), jwks)).toMatchObject({ ok: true });
          const extraTop = parse();
          extraTop[key === 'events' ? 'x' : `${key}x`] = value;
          expect(fast(extraTop)).toBe(general(extraTop));
          const extraHead = parse();
          (extraHead.head as Record<string, unknown>)[`${key}x`] = value;
          expect(fast(extraHead)).toBe(general(extraHead));
          const extraEvent = parse();
          (extraEvent.events as Record<string, unknown>[])[0]![`${key}x`] = value;
          expect(fast(extraEvent)).toBe(general(extraEvent));
          expect(verifyExport(extraEvent, jwks)).toMatchObject({ ok: false });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('match on unsorted data, numbers that print differently and missing members', async () => {
    const { parse } = await exportOf([{ a: 1 }, { b: 2 }]);
    const unsorted = parse();
    (unsorted.events as Record<string, unknown>[])[0]!.data = { z: 1, a: { y: 1e21, b: -0, c: 0.1 } };
    expect(fast(unsorted)).toBe(general(unsorted));
    const missing = parse();
    delete (missing.events as Record<string, unknown>[])[1]!.id;
    (missing.events as Record<string, unknown>[])[1]!.other = 'x';
    expect(fast(missing)).toBe(general(missing));
    const noHeadHash = parse();
    noHeadHash.head = { seq: 2, other: 'x' };
    expect(fast(noHeadHash)).toBe(general(noHeadHash));
  });

  it('refuse a lone surrogate as the general canonicaliser does', async () => {
    const { parse } = await exportOf([{ a: 1 }]);
    const lone = parse();
    lone.exported_at = '\ud800';
    expect(() => general(lone)).toThrow();
    expect(() => fast(lone)).toThrow();
  });
});
