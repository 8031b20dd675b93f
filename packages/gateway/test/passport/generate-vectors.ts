/**
 * Writes packages/contract/vectors/passports/*.json. Run once with `npx tsx`; vectors are then frozen
 * (never edit a published vector: add a new file). Tokens are cross-checked with jose here and with
 * Python `cryptography` when the vectors were made; vectors.test.ts re-derives every expected value.
 *
 *   cd packages/gateway && npx tsx test/passport/generate-vectors.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { ed25519KeyPairFromSeed, exportPrivateJwk } from '../../src/crypto/index.js';
import {
  type IssuePassportInput,
  issuePassport,
  Keyset,
  MemoryJtiClaimStore,
  verifyPassport,
} from '../../src/passport/index.js';
import { craftHs256, craftToken } from './helpers.js';

const OUT = path.resolve(import.meta.dirname, '../../../contract/vectors/passports');
// RFC 8032 §7.1 TEST 1 and TEST 2 secret keys: their public keys can be checked against the RFC.
const SEED_1 = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
const SEED_2 = Buffer.from('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb', 'hex');
const NOW = 1_800_000_000;
const TYP = 'actpass-passport+jwt';

const jwk1 = exportPrivateJwk(ed25519KeyPairFromSeed(SEED_1).privateKey);
const jwk2 = exportPrivateJwk(ed25519KeyPairFromSeed(SEED_2).privateKey);
const keyset = Keyset.fromPrivateJwks([jwk1]);
const kid1 = keyset.primaryKid;
const kid2 = Keyset.fromPrivateJwks([jwk2]).primaryKid;
const priv1 = ed25519KeyPairFromSeed(SEED_1).privateKey;
const priv2 = ed25519KeyPairFromSeed(SEED_2).privateKey;

const base: IssuePassportInput = {
  issuer: 'https://gateway.actpass.test',
  audience: 'actpass-gateway',
  tenant_id: 'tenant_acme',
  agent_id: 'agent_support_bot',
  user_id: 'user_42',
  goal: 'Refund order 1042 for a damaged item',
  allowed_tools: ['stripe.refund', 'crm.*'],
  allowed_resources: ['order:1042', 'customer:*'],
  resource_constraints: { max_amount: 5000, min_amount: 1, currency: ['USD', 'EUR'], mode: 'live' },
  risk_tier: 'medium',
  ttl_seconds: 300,
  jti: 'ap_vector0000000000000001',
};

const signingCases = [
  { name: 'basic', input: base },
  {
    name: 'action-bound-unicode-goal',
    input: {
      ...base,
      goal: 'Rembourser la commande n°1042 — article abîmé ✓',
      action_hash: 'b5f7c1e0a3d2f4e6a8c0b2d4f6e8a0c2b4d6f8e0a2c4b6d8f0e2a4c6b8d0f2e4',
      approval_hash: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
      risk_tier: 'high' as const,
      ttl_seconds: 60,
      jti: 'ap_vector0000000000000002',
    },
  },
  {
    name: 'minimal-defaults',
    input: {
      issuer: base.issuer,
      audience: base.audience,
      tenant_id: base.tenant_id,
      goal: 'Deploy',
      allowed_tools: ['deploy'],
      jti: 'ap_vector0000000000000003',
    },
  },
];

const signing = signingCases.map(({ name, input }) => {
  const { token, claims } = issuePassport(keyset, input, NOW);
  return { name, key: 'k1', now: NOW, input, claims, token };
});

const { token: goodToken, claims } = issuePassport(keyset, base, NOW);
const header = { alg: 'EdDSA', kid: kid1, typ: TYP };
const sign1 = (payload: object | string, h: object | string = header) => craftToken(h, payload, priv1);
const [h0, p0, s0] = goodToken.split('.') as [string, string, string];
const flippedSig = Buffer.from(s0, 'base64url');
flippedSig[0] = (flippedSig[0] ?? 0) ^ 1;

const context = {
  now: NOW,
  issuer: base.issuer,
  audience: base.audience,
  tenant_id: base.tenant_id,
  leeway_seconds: 5,
};
const refund = {
  tool: 'stripe.refund',
  resource: 'order:1042',
  args: { amount: 4900, currency: 'USD', mode: 'live' },
};

type Case = {
  name: string;
  token: string;
  context?: object;
  action?: object;
  state?: object;
  expected: string;
};
const cases: Case[] = [
  { name: 'valid', token: goodToken, action: refund, expected: 'ok' },
  { name: 'valid-no-action', token: goodToken, expected: 'ok' },
  {
    name: 'valid-alg-Ed25519',
    token: sign1(claims, { alg: 'Ed25519', kid: kid1, typ: TYP }),
    action: refund,
    expected: 'ok',
  },
  {
    name: 'valid-header-member-order',
    token: sign1(claims, `{"typ":"${TYP}","kid":"${kid1}","alg":"EdDSA"}`),
    expected: 'ok',
  },
  {
    name: 'alg-none',
    token: `${Buffer.from(JSON.stringify({ alg: 'none', kid: kid1, typ: TYP })).toString('base64url')}.${p0}.`,
    expected: 'passport.malformed',
  },
  {
    name: 'hs256-with-public-key',
    token: craftHs256({ alg: 'HS256', kid: kid1, typ: TYP }, claims, Buffer.from(jwk1.x, 'base64url')),
    expected: 'passport.malformed',
  },
  { name: 'header-crit', token: sign1(claims, { ...header, crit: ['exp'] }), expected: 'passport.malformed' },
  {
    name: 'header-jku',
    token: sign1(claims, { ...header, jku: 'https://attacker.example/jwks.json' }),
    expected: 'passport.malformed',
  },
  {
    name: 'header-jwk',
    token: sign1(claims, { ...header, jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk1.x } }),
    expected: 'passport.malformed',
  },
  {
    name: 'header-x5u',
    token: sign1(claims, { ...header, x5u: 'https://attacker.example/cert.pem' }),
    expected: 'passport.malformed',
  },
  {
    name: 'header-b64-false',
    token: sign1(claims, { ...header, b64: false }),
    expected: 'passport.malformed',
  },
  {
    name: 'header-extra-member',
    token: sign1(claims, { ...header, cty: 'JWT' }),
    expected: 'passport.malformed',
  },
  { name: 'wrong-typ', token: sign1(claims, { ...header, typ: 'JWT' }), expected: 'passport.malformed' },
  {
    name: 'duplicate-header-member',
    token: sign1(claims, `{"alg":"none","alg":"EdDSA","kid":"${kid1}","typ":"${TYP}"}`),
    expected: 'passport.malformed',
  },
  { name: 'unknown-claim', token: sign1({ ...claims, admin: true }), expected: 'passport.malformed' },
  {
    name: 'lifetime-over-3600',
    token: sign1({ ...claims, exp: claims.iat + 3601 }),
    expected: 'passport.malformed',
  },
  { name: 'two-segments', token: `${h0}.${p0}`, expected: 'passport.malformed' },
  { name: 'padded-segment', token: `${h0}=.${p0}.${s0}`, expected: 'passport.malformed' },
  { name: 'oversize', token: `${goodToken}${'A'.repeat(8192)}`, expected: 'passport.malformed' },
  {
    name: 'unknown-kid',
    token: craftToken({ ...header, kid: kid2 }, claims, priv2),
    expected: 'passport.unknown_key',
  },
  {
    name: 'tampered-payload',
    token: `${h0}.${Buffer.from(JSON.stringify({ ...claims, allowed_tools: ['*'] })).toString('base64url')}.${s0}`,
    expected: 'passport.bad_signature',
  },
  {
    name: 'tampered-signature',
    token: `${h0}.${p0}.${flippedSig.toString('base64url')}`,
    expected: 'passport.bad_signature',
  },
  {
    name: 'kid-of-k1-signed-by-k2',
    token: craftToken(header, claims, priv2),
    expected: 'passport.bad_signature',
  },
  {
    name: 'wrong-issuer',
    token: goodToken,
    context: { issuer: 'https://other.example' },
    expected: 'passport.wrong_issuer',
  },
  {
    name: 'wrong-audience',
    token: goodToken,
    context: { audience: 'someone-else' },
    expected: 'passport.wrong_audience',
  },
  {
    name: 'wrong-tenant',
    token: goodToken,
    context: { tenant_id: 'tenant_globex' },
    expected: 'passport.tenant_mismatch',
  },
  { name: 'not-yet-valid', token: goodToken, context: { now: NOW - 6 }, expected: 'passport.not_yet_valid' },
  { name: 'nbf-within-leeway', token: goodToken, context: { now: NOW - 5 }, expected: 'ok' },
  { name: 'expired', token: goodToken, context: { now: NOW + 305 }, expected: 'passport.expired' },
  { name: 'exp-within-leeway', token: goodToken, context: { now: NOW + 304 }, expected: 'ok' },
  {
    name: 'exp-no-leeway-boundary',
    token: goodToken,
    context: { now: NOW + 300, leeway_seconds: 0 },
    expected: 'passport.expired',
  },
  {
    name: 'exp-no-leeway-last-second',
    token: goodToken,
    context: { now: NOW + 299, leeway_seconds: 0 },
    expected: 'ok',
  },
  {
    name: 'revoked',
    token: goodToken,
    state: { revoked: [claims.jti], claimed: [claims.jti] },
    expected: 'passport.revoked',
  },
  { name: 'replayed', token: goodToken, state: { claimed: [claims.jti] }, expected: 'passport.replayed' },
  { name: 'tool-glob', token: goodToken, action: { ...refund, tool: 'crm.update_contact' }, expected: 'ok' },
  {
    name: 'tool-not-allowed',
    token: goodToken,
    action: { ...refund, tool: 'stripe.payout' },
    expected: 'passport.tool_not_allowed',
  },
  {
    name: 'tool-case-sensitive',
    token: goodToken,
    action: { ...refund, tool: 'Stripe.refund' },
    expected: 'passport.tool_not_allowed',
  },
  { name: 'resource-glob', token: goodToken, action: { ...refund, resource: 'customer:7' }, expected: 'ok' },
  {
    name: 'resource-not-allowed',
    token: goodToken,
    action: { ...refund, resource: 'order:1043' },
    expected: 'passport.resource_not_allowed',
  },
  {
    name: 'resource-absent',
    token: goodToken,
    action: { tool: refund.tool, args: refund.args },
    expected: 'passport.resource_not_allowed',
  },
  {
    name: 'max-boundary',
    token: goodToken,
    action: { ...refund, args: { ...refund.args, amount: 5000 } },
    expected: 'ok',
  },
  {
    name: 'max-exceeded',
    token: goodToken,
    action: { ...refund, args: { ...refund.args, amount: 5001 } },
    expected: 'passport.constraint_violated',
  },
  {
    name: 'min-violated',
    token: goodToken,
    action: { ...refund, args: { ...refund.args, amount: 0 } },
    expected: 'passport.constraint_violated',
  },
  {
    name: 'max-on-string',
    token: goodToken,
    action: { ...refund, args: { ...refund.args, amount: '4900' } },
    expected: 'passport.constraint_violated',
  },
  {
    name: 'missing-arg',
    token: goodToken,
    action: { ...refund, args: { amount: 10, currency: 'USD' } },
    expected: 'passport.constraint_violated',
  },
  {
    name: 'one-of',
    token: goodToken,
    action: { ...refund, args: { ...refund.args, currency: 'EUR' } },
    expected: 'ok',
  },
  {
    name: 'not-one-of',
    token: goodToken,
    action: { ...refund, args: { ...refund.args, currency: 'GBP' } },
    expected: 'passport.constraint_violated',
  },
  {
    name: 'equality-no-coercion',
    token: goodToken,
    action: { ...refund, args: { ...refund.args, mode: 'LIVE' } },
    expected: 'passport.constraint_violated',
  },
  {
    name: 'order-tool-before-resource',
    token: goodToken,
    action: { tool: 'x', resource: 'y', args: {} },
    expected: 'passport.tool_not_allowed',
  },
  {
    name: 'order-signature-before-issuer',
    token: `${h0}.${p0}.${flippedSig.toString('base64url')}`,
    context: { issuer: 'x' },
    expected: 'passport.bad_signature',
  },
  {
    name: 'order-expired-before-revoked',
    token: goodToken,
    context: { now: NOW + 400 },
    state: { revoked: [claims.jti] },
    expected: 'passport.expired',
  },
];
const bound = signing[1]!;
cases.push(
  {
    name: 'action-hash-match',
    token: bound.token,
    context: { now: NOW },
    action: { ...refund, action_hash: bound.claims.action_hash },
    expected: 'ok',
  },
  {
    name: 'action-hash-mismatch',
    token: bound.token,
    action: { ...refund, action_hash: 'a'.repeat(64) },
    expected: 'passport.constraint_violated',
  },
  {
    name: 'action-hash-missing',
    token: bound.token,
    action: refund,
    expected: 'passport.constraint_violated',
  },
);

async function main() {
  const jwks = keyset.jwks();
  // Independent oracle: jose must accept every token we claim is a valid signature by k1.
  for (const c of signing) {
    await jwtVerify(c.token, createLocalJWKSet(jwks), { typ: TYP, currentDate: new Date(NOW * 1000) });
  }
  const verification = [];
  for (const c of cases) {
    const ctx = { ...context, ...c.context } as typeof context;
    const store = new MemoryJtiClaimStore();
    const state = (c.state ?? {}) as { revoked?: string[]; claimed?: string[] };
    for (const jti of state.revoked ?? []) await store.revoke(ctx.tenant_id, jti, 'vector');
    for (const jti of state.claimed ?? []) await store.claim(ctx.tenant_id, jti, Number.MAX_SAFE_INTEGER);
    const result = await verifyPassport(c.token, {
      keys: keyset,
      store,
      nowSeconds: ctx.now,
      issuer: ctx.issuer,
      audience: ctx.audience,
      tenantId: ctx.tenant_id,
      leewaySeconds: ctx.leeway_seconds,
      ...(c.action ? { action: c.action as never } : {}),
    });
    const got = result.ok ? 'ok' : result.reason_code;
    if (got !== c.expected)
      throw new Error(`${c.name}: implementation says ${got}, vector says ${c.expected}`);
    verification.push({
      name: c.name,
      token: c.token,
      context: ctx,
      ...(c.action ? { action: c.action } : {}),
      ...(c.state ? { state: c.state } : {}),
      expected: c.expected === 'ok' ? { ok: true } : { ok: false, reason_code: c.expected },
    });
  }
  const keys = {
    k1: { source: 'RFC 8032 section 7.1 TEST 1', seed_hex: SEED_1.toString('hex'), jwk: jwk1, kid: kid1 },
    k2: { source: 'RFC 8032 section 7.1 TEST 2', seed_hex: SEED_2.toString('hex'), jwk: jwk2, kid: kid2 },
  };
  write('signing.json', {
    description:
      'Passport issuance: fixed Ed25519 key, fixed input and time -> exact claims and token bytes (header and payload are JCS, Ed25519 is deterministic).',
    keys,
    cases: signing,
  });
  write('verification.json', {
    description:
      'Passport verification: token + context (+ optional action and replay/revocation state) -> ok or the first failing reason code, in SPEC section 4 order. The verifier trusts only `jwks` (k1); k2 is a stranger.',
    keys,
    jwks,
    cases: verification,
  });
}

function write(file: string, value: unknown) {
  writeFileSync(path.join(OUT, file), `${JSON.stringify(value, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

await main();
