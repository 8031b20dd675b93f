/**
 * Writes packages/contract/vectors/ledger/*.json. Run once with `npx tsx`; vectors are then frozen
 * (never edit a published vector: add a new file). vectors.test.ts re-derives every expected value.
 *
 *   cd packages/gateway && npx tsx test/ledger/generate-vectors.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalBytes, canonicalize } from '@actpass/sdk/canonical';
import { ed25519KeyPairFromSeed, exportPrivateJwk } from '../../src/crypto/index.js';
import {
  exportEvidence,
  hashEvent,
  type LedgerEvent,
  MemoryLedgerStore,
  verifyChain,
  verifyExport,
} from '../../src/ledger/index.js';
import { Keyset } from '../../src/passport/index.js';
import type { JsonObject } from '../../src/policy/types.js';

const OUT = path.resolve(import.meta.dirname, '../../../contract/vectors/ledger');
const SEED_1 = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
const SEED_2 = Buffer.from('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb', 'hex');
const EXPORTED_AT = new Date('2026-06-01T00:00:00.000Z');

async function chain(tenantId: string, inputs: Array<{ type: string; data: JsonObject }>, idPrefix: string) {
  let tick = 0;
  let id = 0;
  const store = new MemoryLedgerStore({
    clock: () => new Date(Date.UTC(2026, 4, 1, 9, 0, tick++)),
    newId: () => `ev_${idPrefix}${String(++id).padStart(4, '0')}`,
  });
  for (const input of inputs) await store.append(tenantId, input);
  return [...(await store.list(tenantId, { limit: 1000 }))];
}

const thaw = (events: readonly LedgerEvent[]): LedgerEvent[] => JSON.parse(JSON.stringify(events));

const decision = (n: number, decisionValue: string, amount: number) => ({
  type: 'decision',
  data: {
    decision: decisionValue,
    reason_code: `refund.rule_${n}`,
    tool: 'stripe.refund',
    action_hash: 'c'.repeat(63) + String(n),
    args: { amount, currency: 'USD' },
    policy: { id: 'refunds', version: 3 },
  },
});

async function main() {
  const acme = await chain(
    'tenant_acme',
    [
      decision(1, 'allow', 4900),
      {
        type: 'passport.issued',
        data: { jti: 'ap_vector0000000000000001', allowed_tools: ['stripe.refund'] },
      },
      decision(2, 'require_approval', 25000),
      {
        type: 'approval.approved',
        data: { approval_request_id: 'apr_0001', decided_by: 'approver_1', note: null },
      },
      { type: 'credential.stored', data: { name: 'stripe', version: 1, bound_tools: ['stripe.*'] } },
      { type: 'evidence', data: { outcome: 'refunded', ok: true } },
    ],
    'acme',
  );
  const edges = await chain(
    'tenant_édge/✓',
    [
      {
        type: 'evidence',
        data: {
          numbers: [0, 1, -1, 0.1, 1e21, 1e-7, 123456789012, -0.5, 2 ** 53 - 1],
          strings: {
            quote: '"',
            backslash: '\\',
            controls: '\n\t\b\f\r\u0000\u001f',
            slash: '/',
            del: '\u007f',
          },
          unicode: ['é', '€', '😀', '\u2028', 'Ω'],
        },
      },
      {
        type: 'evidence',
        data: { '😀': 'astral key sorts by UTF-16 units', '\uffff': 'BMP max', a: 1, A: 2, '': 'empty key' },
      },
      { type: 'action.outcome', data: { nested: { deeper: { deepest: [[], {}, [null, true, false]] } } } },
    ],
    'edge',
  );

  const chains = [
    { name: 'acme-six-events', tenant_id: 'tenant_acme', events: acme },
    { name: 'jcs-edges-in-data', tenant_id: 'tenant_édge/✓', events: edges },
    { name: 'empty', tenant_id: 'tenant_empty', events: [] as LedgerEvent[] },
  ].map((c) => {
    const result = verifyChain(c.events, { tenantId: c.tenant_id });
    if (!result.ok) throw new Error(`${c.name} does not verify`);
    return {
      ...c,
      canonical_without_hash: c.events.map(({ hash: _h, ...rest }) => canonicalize(rest)),
      head: result.head,
    };
  });

  const tamperings: Array<[string, (e: LedgerEvent[]) => unknown[], number, string, object?]> = [
    [
      'edit-data',
      (e) => {
        e[2]!.data.args = { amount: 1, currency: 'USD' };
        return e;
      },
      3,
      'hash_mismatch',
    ],
    [
      'edit-type',
      (e) => {
        e[0]!.type = 'evidence';
        return e;
      },
      1,
      'hash_mismatch',
    ],
    [
      'edit-at',
      (e) => {
        e[5]!.at = '2026-05-01T09:00:06.000Z';
        return e;
      },
      6,
      'hash_mismatch',
    ],
    [
      'edit-hash-only',
      (e) => {
        e[1]!.hash = 'f'.repeat(64);
        return e;
      },
      2,
      'hash_mismatch',
    ],
    [
      'edit-and-rehash',
      (e) => {
        e[2]!.data.decision = 'allow';
        e[2]!.hash = hashEvent(e[2]!);
        return e;
      },
      4,
      'prev_hash_mismatch',
    ],
    [
      'reorder',
      (e) => {
        [e[1], e[2]] = [e[2]!, e[1]!];
        return e;
      },
      2,
      'seq_mismatch',
    ],
    [
      'delete-middle',
      (e) => {
        e.splice(3, 1);
        return e;
      },
      4,
      'seq_mismatch',
    ],
    ['delete-first', (e) => e.slice(1), 1, 'seq_mismatch'],
    [
      'insert-duplicate',
      (e) => {
        e.splice(2, 0, { ...e[1]! });
        return e;
      },
      3,
      'seq_mismatch',
    ],
    [
      'insert-forged',
      (e) => {
        const forged = { ...e[1]!, id: 'ev_forged', data: { forged: true } };
        forged.hash = hashEvent(forged);
        e.splice(1, 0, forged);
        return e;
      },
      3,
      'seq_mismatch',
    ],
    [
      'renumber-after-delete',
      (e) => {
        e.splice(2, 1);
        for (let i = 2; i < e.length; i++) {
          e[i]!.seq = i + 1;
          e[i]!.prev_hash = e[i - 1]!.hash;
          e[i]!.hash = hashEvent(e[i]!);
        }
        return e;
      },
      3,
      'head_mismatch',
      { seq: 3, hash: acme[2]!.hash },
    ],
    [
      'wrong-genesis',
      (e) => {
        e[0]!.prev_hash = '1'.repeat(64);
        e[0]!.hash = hashEvent(e[0]!);
        return e;
      },
      1,
      'prev_hash_mismatch',
    ],
    [
      'foreign-tenant-event',
      (e) => {
        e[4]!.tenant_id = 'tenant_globex';
        e[4]!.hash = hashEvent(e[4]!);
        return e;
      },
      5,
      'wrong_tenant',
    ],
    [
      'extra-member',
      (e) => {
        (e[3] as unknown as Record<string, unknown>).note = 'x';
        return e;
      },
      4,
      'malformed_event',
    ],
    [
      'version-2',
      (e) => {
        (e[0] as unknown as Record<string, unknown>).v = 2;
        return e;
      },
      1,
      'malformed_event',
    ],
    ['truncated-tail-known-head', (e) => e.slice(0, 4), 5, 'truncated', { seq: 6, hash: acme[5]!.hash }],
    [
      'rewritten-tail-known-head',
      (e) => {
        e[5]!.data.ok = false;
        e[5]!.hash = hashEvent(e[5]!);
        return e;
      },
      6,
      'head_mismatch',
      { seq: 6, hash: acme[5]!.hash },
    ],
  ];
  const tampered = tamperings.map(([name, tamper, seq, reason, expectedHead]) => {
    const events = tamper(thaw(acme));
    const result = verifyChain(events, { tenantId: 'tenant_acme', expectedHead: expectedHead as never });
    if (result.ok || result.first_broken_seq !== seq || result.reason !== reason) {
      throw new Error(`${name}: implementation says ${JSON.stringify(result)}`);
    }
    return {
      name,
      tenant_id: 'tenant_acme',
      ...(expectedHead ? { expected_head: expectedHead } : {}),
      events,
      expected: { ok: false, first_broken_seq: seq, reason },
    };
  });
  tampered.unshift({
    name: 'intact-with-known-head',
    tenant_id: 'tenant_acme',
    expected_head: { seq: 4, hash: acme[3]!.hash },
    events: thaw(acme),
    expected: { ok: true, head: { seq: 6, hash: acme[5]!.hash } } as never,
  });

  const k1 = Keyset.fromPrivateJwks([exportPrivateJwk(ed25519KeyPairFromSeed(SEED_1).privateKey)]);
  const k2 = Keyset.fromPrivateJwks([exportPrivateJwk(ed25519KeyPairFromSeed(SEED_2).privateKey)]);
  const valid = exportEvidence(acme, 'tenant_acme', k1, EXPORTED_AT);
  const resign = (doc: Record<string, unknown>, keyset = k1) => {
    const { signature: _s, ...unsigned } = doc;
    const { kid, signature } = keyset.sign(canonicalBytes(unsigned));
    return { ...unsigned, signature: { alg: 'EdDSA', kid, sig: signature.toString('base64url') } };
  };
  const clone = () => structuredClone(valid) as unknown as Record<string, unknown> & typeof valid;
  const brokenChain = clone();
  brokenChain.events[2]!.data.decision = 'allow';
  const headNotLast = clone();
  headNotLast.head = { seq: 5, hash: acme[4]!.hash };
  const edited = clone();
  edited.events[0]!.data.args = { amount: 1, currency: 'USD' };
  const retitled = clone();
  retitled.tenant_id = 'tenant_globex';

  const exportCases: Array<{ name: string; export: unknown; known_head?: object; expected: object }> = [
    { name: 'valid', export: valid, expected: { ok: true, head: valid.head } },
    {
      name: 'valid-empty',
      export: exportEvidence([], 'tenant_empty', k1, EXPORTED_AT),
      expected: { ok: true, head: { seq: 0, hash: '0'.repeat(64) } },
    },
    {
      name: 'valid-with-known-earlier-head',
      export: valid,
      known_head: { seq: 3, hash: acme[2]!.hash },
      expected: { ok: true, head: valid.head },
    },
    {
      name: 'edited-event',
      export: edited,
      expected: { ok: false, reason: 'hash_mismatch', first_broken_seq: 1 },
    },
    {
      name: 'edited-tenant',
      export: retitled,
      expected: { ok: false, reason: 'wrong_tenant', first_broken_seq: 1 },
    },
    {
      name: 'edited-exported-at',
      export: { ...valid, exported_at: '2030-01-01T00:00:00.000Z' },
      expected: { ok: false, reason: 'bad_signature' },
    },
    {
      name: 'tampered-signature',
      export: { ...valid, signature: { ...valid.signature, sig: `A${valid.signature.sig.slice(1)}` } },
      expected: { ok: false, reason: 'bad_signature' },
    },
    {
      name: 'signed-by-unknown-key',
      export: exportEvidence(acme, 'tenant_acme', k2, EXPORTED_AT),
      expected: { ok: false, reason: 'unknown_key' },
    },
    {
      name: 'resigned-broken-chain',
      export: resign(brokenChain),
      expected: { ok: false, reason: 'hash_mismatch', first_broken_seq: 3 },
    },
    {
      name: 'resigned-head-not-last',
      export: resign(headNotLast),
      expected: { ok: false, reason: 'head_mismatch', first_broken_seq: 5 },
    },
    {
      name: 'truncated-against-known-head',
      export: exportEvidence(acme.slice(0, 4), 'tenant_acme', k1, EXPORTED_AT),
      known_head: valid.head,
      expected: { ok: false, reason: 'truncated', first_broken_seq: 5 },
    },
    {
      name: 'unsigned-extra-member',
      export: { ...valid, comment: 'x' },
      expected: { ok: false, reason: 'bad_signature' },
    },
    {
      name: 'alg-hs256',
      export: { ...valid, signature: { ...valid.signature, alg: 'HS256' } },
      expected: { ok: false, reason: 'unsupported_alg' },
    },
    {
      name: 'wrong-format',
      export: { ...valid, format: 'actpass.evidence-export/v2' },
      expected: { ok: false, reason: 'malformed_export' },
    },
  ];
  const jwks = k1.jwks();
  for (const c of exportCases) {
    const result = verifyExport(c.export, jwks, c.known_head ? { knownHead: c.known_head as never } : {});
    const got = result.ok
      ? result
      : {
          ok: false,
          reason: result.reason,
          ...(result.first_broken_seq ? { first_broken_seq: result.first_broken_seq } : {}),
        };
    if (JSON.stringify(got) !== JSON.stringify(c.expected))
      throw new Error(`${c.name}: implementation says ${JSON.stringify(got)}`);
  }

  write('chains.json', {
    description:
      'Intact chains: recompute each hash as hex SHA-256 of the JCS form of the event without `hash` (given as canonical_without_hash), check links from 64 zeros, and the head.',
    cases: chains,
  });
  write('tampered.json', {
    description:
      'Tampered chains -> first broken seq and reason. Verify with tenant_id and, when present, expected_head (an earlier signed head). Position n must hold seq n; checks per event in order: shape, tenant, seq, prev_hash, hash.',
    cases: tampered,
  });
  write('exports.json', {
    description:
      'Signed evidence exports verified offline with `jwks` only, first failure wins: shape (malformed_export), chain of the export tenant (+ known_head when given: truncation), head == last event (head_mismatch), alg (unsupported_alg), kid in JWKS (unknown_key), Ed25519 signature over JCS of the export without `signature` (bad_signature).',
    jwks,
    cases: exportCases,
  });
}

function write(file: string, value: unknown) {
  writeFileSync(path.join(OUT, file), `${JSON.stringify(value, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

await main();
