/**
 * Passport verification throughput, ours vs jose's jwtVerify on the same token in the same run.
 * Numbers are reported, not asserted (CI machines vary).
 *
 *   cd packages/gateway && npx tsx bench/passport.bench.ts
 */

import { verify } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import {
  issuePassport,
  Keyset,
  MemoryJtiClaimStore,
  parseToken,
  verifyPassport,
} from '../src/passport/index.js';

const NOW = Math.floor(Date.now() / 1000);
const keyset = Keyset.generate();
const { token } = issuePassport(
  keyset,
  {
    issuer: 'https://gateway.actpass.test',
    audience: 'actpass-gateway',
    tenant_id: 'tenant_bench',
    agent_id: 'agent_1',
    user_id: 'user_1',
    goal: 'refund order 42',
    allowed_tools: ['stripe.refund', 'crm.*'],
    allowed_resources: ['order:*'],
    resource_constraints: { max_amount: 5000, currency: ['USD', 'EUR'] },
  },
  NOW,
);
const options = {
  keys: keyset,
  store: new MemoryJtiClaimStore(),
  nowSeconds: NOW,
  issuer: 'https://gateway.actpass.test',
  audience: 'actpass-gateway',
  tenantId: 'tenant_bench',
  action: { tool: 'stripe.refund', resource: 'order:42', args: { amount: 4900, currency: 'USD' } },
};
const jwks = createLocalJWKSet(keyset.jwks());
const joseOptions = {
  issuer: options.issuer,
  audience: options.audience,
  typ: 'actpass-passport+jwt',
  algorithms: ['EdDSA'],
};

/**
 * Runs `run` for `millis` and returns ops per CPU-second of this process (all threads, so work jose
 * hands to the libuv pool counts too). CPU time is far less disturbed than wall time by other load on
 * a shared machine; wall-clock ops/s is printed alongside.
 */
async function opsPerSecond(name: string, run: () => Promise<unknown>, millis: number): Promise<number> {
  const deadline = performance.now() + millis;
  let count = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  while (performance.now() < deadline) {
    for (let i = 0; i < 100; i++) await run();
    count += 100;
  }
  const cpu = process.cpuUsage(cpuStart);
  const perCpuSecond = count / ((cpu.user + cpu.system) / 1e6);
  const perWallSecond = count / ((performance.now() - start) / 1000);
  console.log(
    `  ${name.padEnd(24)} ${fmt(perCpuSecond).padStart(8)} ops/CPU-s  ${fmt(perWallSecond).padStart(8)} ops/s wall`,
  );
  return perCpuSecond;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const ours = async () => {
  const result = await verifyPassport(token, options);
  if (!result.ok) throw new Error(result.reason_code);
};
const theirs = () => jwtVerify(token, jwks, joseOptions);
// The floor: one Ed25519 verification of the same bytes, which both verifiers must do.
const parsed = parseToken(token);
if (!parsed.ok) throw new Error(parsed.message);
const publicKey = keyset.verificationKey(parsed.token.header.kid)!;
const signatureOnly = async () => verify(null, parsed.token.signingInput, publicKey, parsed.token.signature);

await ours();
await theirs();
console.log(`passport verify (token ${token.length} chars), node ${process.version}`);
const ratios: number[] = [];
let bestOurs = 0;
let bestJose = 0;
let bestFloor = 0;
for (let round = 0; round < 4; round++) {
  // Interleaved rounds so drift (thermal, GC, noisy neighbours) hits both sides alike.
  const a = await opsPerSecond('actpass verifyPassport', ours, 1000);
  const b = await opsPerSecond('jose jwtVerify', theirs, 1000);
  const c = await opsPerSecond('Ed25519 verify alone', signatureOnly, 1000);
  ratios.push(a / b);
  bestOurs = Math.max(bestOurs, a);
  bestJose = Math.max(bestJose, b);
  bestFloor = Math.max(bestFloor, c);
}
const median = [...ratios].sort((x, y) => x - y)[Math.floor(ratios.length / 2)]!;
console.log(
  `best (per CPU-second): actpass ${fmt(bestOurs)} ops/s, jose ${fmt(bestJose)} ops/s, Ed25519 alone ${fmt(bestFloor)} ops/s; ` +
    `median per-round ratio actpass/jose ${median.toFixed(2)}x; actpass at ${((100 * bestOurs) / bestFloor).toFixed(0)}% of the signature floor`,
);
