/** Passport verification: ours vs jose `jwtVerify` vs a bare Ed25519 check (the floor both must pay). */
import { verify } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import {
  issuePassport,
  Keyset,
  MemoryJtiClaimStore,
  parseToken,
  verifyPassport,
} from '../../src/passport/index.js';
import { interleave, perCpuSecond } from './stats.js';

export interface PassportResult {
  tokenChars: number;
  /** ops per CPU-second, one sample per round */
  ours: number[];
  jose: number[];
  floor: number[];
}

const SLOT_MILLIS = 700;

export async function measurePassports(rounds: number): Promise<PassportResult> {
  const now = Math.floor(Date.now() / 1000);
  const keyset = Keyset.generate();
  const { token } = issuePassport(
    keyset,
    {
      issuer: 'https://gateway.actpass.test',
      audience: 'actpass-gateway',
      tenant_id: 'tenant_bench',
      agent_id: 'agent_1',
      user_id: 'user_1',
      goal: 'refund_order',
      allowed_tools: ['stripe.refund.create', 'crm.*'],
      allowed_resources: ['order:*'],
      resource_constraints: { max_amount: 5000, currency: ['USD', 'EUR'] },
    },
    now,
  );
  const options = {
    keys: keyset,
    store: new MemoryJtiClaimStore(),
    nowSeconds: now,
    issuer: 'https://gateway.actpass.test',
    audience: 'actpass-gateway',
    tenantId: 'tenant_bench',
    action: { tool: 'stripe.refund.create', resource: 'order:42', args: { amount: 4900, currency: 'USD' } },
  };
  const jwks = createLocalJWKSet(keyset.jwks());
  const joseOptions = {
    issuer: options.issuer,
    audience: options.audience,
    typ: 'actpass-passport+jwt',
    algorithms: ['EdDSA'],
  };
  const parsed = parseToken(token);
  if (!parsed.ok) throw new Error(parsed.message);
  const publicKey = keyset.verificationKey(parsed.token.header.kid);
  if (!publicKey) throw new Error('no verification key');
  const samples = await interleave(rounds, {
    ours: () =>
      perCpuSecond(async () => {
        const result = await verifyPassport(token, options);
        if (!result.ok) throw new Error(result.reason_code);
      }, SLOT_MILLIS),
    jose: () => perCpuSecond(() => jwtVerify(token, jwks, joseOptions), SLOT_MILLIS),
    floor: () =>
      perCpuSecond(
        async () => verify(null, parsed.token.signingInput, publicKey, parsed.token.signature),
        SLOT_MILLIS,
      ),
  });
  return { tokenChars: token.length, ...samples };
}
