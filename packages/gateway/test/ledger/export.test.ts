import { canonicalBytes } from '@actpass/sdk/canonical';
import { describe, expect, it } from 'vitest';
import { exportEvidence, hashEvent, LedgerChainBrokenError, verifyExport } from '../../src/ledger/index.js';
import { Keyset } from '../../src/passport/index.js';
import { buildChain, TENANT, thaw } from './helpers.js';

const NOW = new Date('2026-02-01T00:00:00.000Z');

async function signed(count = 5) {
  const keyset = Keyset.generate(NOW);
  const events = await buildChain(count);
  return { keyset, events, exported: exportEvidence(events, TENANT, keyset, NOW) };
}

describe('evidence export', () => {
  it('has the v1 shape and verifies offline with the JWKS alone (round-tripped through JSON)', async () => {
    const { keyset, events, exported } = await signed();
    expect(exported).toMatchObject({
      format: 'actpass.evidence-export/v1',
      tenant_id: TENANT,
      head: { seq: 5, hash: events[4]!.hash },
      exported_at: NOW.toISOString(),
      signature: { alg: 'EdDSA', kid: keyset.primaryKid },
    });
    const jwks = JSON.parse(JSON.stringify(keyset.jwks()));
    expect(verifyExport(JSON.parse(JSON.stringify(exported)), jwks)).toEqual({
      ok: true,
      head: exported.head,
    });
  });

  it('signs and verifies an empty chain', async () => {
    const keyset = Keyset.generate();
    const exported = exportEvidence([], TENANT, keyset, NOW);
    expect(exported.head).toEqual({ seq: 0, hash: '0'.repeat(64) });
    expect(verifyExport(exported, keyset.jwks())).toMatchObject({ ok: true });
  });

  it('refuses to sign a broken chain', async () => {
    const events = thaw(await buildChain(3));
    events[1]!.data.n = 0;
    expect(() => exportEvidence(events, TENANT, Keyset.generate(), NOW)).toThrow(LedgerChainBrokenError);
    expect(() => exportEvidence(events.slice(0, 1), 'other', Keyset.generate(), NOW)).toThrow(
      LedgerChainBrokenError,
    );
  });

  it('locates edits to the chain, and rejects any other edit as bad_signature', async () => {
    const { keyset, exported } = await signed();
    type Doc = typeof exported;
    const edits: Array<[(e: Doc) => void, object]> = [
      [
        (e) => {
          e.events[2]!.data.n = 42;
        },
        { reason: 'hash_mismatch', first_broken_seq: 3 },
      ],
      [
        (e) => {
          e.events.pop();
        },
        { reason: 'head_mismatch', first_broken_seq: 5 },
      ],
      [
        (e) => {
          e.events.pop();
          e.head = { seq: 4, hash: e.events[3]!.hash };
        },
        { reason: 'bad_signature' },
      ],
      [
        (e) => {
          e.tenant_id = 'tenant_b';
        },
        { reason: 'wrong_tenant', first_broken_seq: 1 },
      ],
      [
        (e) => {
          e.exported_at = '2030-01-01T00:00:00.000Z';
        },
        { reason: 'bad_signature' },
      ],
      [
        (e) => {
          (e as unknown as Record<string, unknown>).note = 'unsigned';
        },
        { reason: 'bad_signature' },
      ],
      [
        (e) => {
          e.head.seq = 4;
        },
        { reason: 'head_mismatch', first_broken_seq: 4 },
      ],
    ];
    for (const [edit, expected] of edits) {
      const copy = structuredClone(exported);
      edit(copy);
      expect(verifyExport(copy, keyset.jwks())).toMatchObject({ ok: false, ...expected });
    }
    const badSig = structuredClone(exported);
    badSig.signature.sig = `${badSig.signature.sig.slice(0, -2)}AA`;
    expect(verifyExport(badSig, keyset.jwks())).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('reports the first broken seq of a re-signed tampered chain', async () => {
    // Even someone holding the signing key cannot re-sign an edit away: the chain still shows it.
    const keyset = Keyset.generate();
    const events = thaw(await buildChain(6));
    events[3]!.data.n = 0;
    events[3]!.hash = hashEvent(events[3]!);
    const { signature: _s, ...rest } = exportEvidence(await buildChain(6), TENANT, keyset, NOW);
    const forged = { ...rest, events };
    const { kid, signature } = keyset.sign(canonicalBytes(forged));
    const resigned = { ...forged, signature: { alg: 'EdDSA', kid, sig: signature.toString('base64url') } };
    expect(verifyExport(resigned, keyset.jwks())).toMatchObject({
      ok: false,
      reason: 'prev_hash_mismatch',
      first_broken_seq: 5,
    });
  });

  it('rejects an unknown or retired key and malformed documents', async () => {
    const { keyset, exported } = await signed();
    expect(verifyExport(exported, Keyset.generate().jwks())).toMatchObject({
      ok: false,
      reason: 'unknown_key',
    });
    const oldKid = keyset.primaryKid;
    keyset.rotate();
    expect(verifyExport(exported, keyset.jwks())).toMatchObject({ ok: true });
    keyset.retire(oldKid);
    expect(verifyExport(exported, keyset.jwks())).toMatchObject({ ok: false, reason: 'unknown_key' });
    for (const junk of [null, [], {}, { ...exported, format: 'v2' }, { ...exported, head: { seq: '5' } }]) {
      expect(verifyExport(junk, keyset.jwks())).toMatchObject({ ok: false, reason: 'malformed_export' });
    }
    const hs256 = { ...exported, signature: { ...exported.signature, alg: 'HS256' } };
    expect(verifyExport(hs256, keyset.jwks())).toMatchObject({ ok: false, reason: 'unsupported_alg' });
  });

  it('detects a later export that dropped events, given a known head', async () => {
    const keyset = Keyset.generate();
    const events = await buildChain(8);
    const earlier = exportEvidence(events, TENANT, keyset, NOW);
    const truncated = exportEvidence(events.slice(0, 5), TENANT, keyset, NOW);
    expect(verifyExport(truncated, keyset.jwks())).toMatchObject({ ok: true });
    expect(verifyExport(truncated, keyset.jwks(), { knownHead: earlier.head })).toMatchObject({
      ok: false,
      reason: 'truncated',
      first_broken_seq: 6,
    });
  });
});
