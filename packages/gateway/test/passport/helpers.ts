import { createHmac, type KeyObject, sign } from 'node:crypto';
import { canonicalize } from '@actpass/sdk/canonical';
import { importPrivateJwk } from '../../src/crypto/index.js';
import {
  type IssuePassportInput,
  issuePassport,
  Keyset,
  MemoryJtiClaimStore,
  type VerifyPassportOptions,
} from '../../src/passport/index.js';

export const NOW = 1_800_000_000;
export const ISSUER = 'https://gateway.actpass.test';
export const AUDIENCE = 'actpass-gateway';
export const TENANT = 'tenant_a';

export function baseInput(overrides: Partial<IssuePassportInput> = {}): IssuePassportInput {
  return {
    issuer: ISSUER,
    audience: AUDIENCE,
    tenant_id: TENANT,
    agent_id: 'agent_1',
    user_id: 'user_1',
    goal: 'refund order 42',
    allowed_tools: ['stripe.refund', 'crm.*'],
    allowed_resources: ['order:42', 'customer:*'],
    resource_constraints: { max_amount: 5000, min_amount: 1, currency: ['USD', 'EUR'], mode: 'live' },
    risk_tier: 'medium',
    ...overrides,
  };
}

export function setup(overrides: Partial<IssuePassportInput> = {}) {
  const keyset = Keyset.generate(new Date(NOW * 1000));
  const store = new MemoryJtiClaimStore();
  const issued = issuePassport(keyset, baseInput(overrides), NOW);
  const options = (extra: Partial<VerifyPassportOptions> = {}): VerifyPassportOptions => ({
    keys: keyset,
    store,
    nowSeconds: NOW,
    issuer: ISSUER,
    audience: AUDIENCE,
    tenantId: TENANT,
    ...extra,
  });
  return { keyset, store, ...issued, options };
}

export function primaryPrivateKey(keyset: Keyset): KeyObject {
  const stored = keyset.toJSON().keys.find((key) => key.status === 'primary')!;
  return importPrivateJwk(stored.jwk).privateKey;
}

const b64u = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Builds a compact JWS from raw parts (objects are canonicalized, strings used verbatim). */
export function craftToken(header: object | string, payload: object | string, key: KeyObject): string {
  const head = b64u(typeof header === 'string' ? header : canonicalize(header));
  const body = b64u(typeof payload === 'string' ? payload : canonicalize(payload));
  const signature = sign(null, Buffer.from(`${head}.${body}`), key).toString('base64url');
  return `${head}.${body}.${signature}`;
}

export function craftHs256(header: object, payload: object, secret: Uint8Array): string {
  const head = b64u(canonicalize(header));
  const body = b64u(canonicalize(payload));
  const mac = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${mac}`;
}

export const segments = (token: string) => token.split('.') as [string, string, string];
