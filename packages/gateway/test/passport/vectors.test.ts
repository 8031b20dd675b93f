import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ed25519KeyPairFromSeed, exportPrivateJwk, jwkThumbprint } from '../../src/crypto/index.js';
import {
  type IssuePassportInput,
  issuePassport,
  jwksResolver,
  Keyset,
  MemoryJtiClaimStore,
  type PassportAction,
  verifyPassport,
} from '../../src/passport/index.js';

const DIR = path.resolve(import.meta.dirname, '../../../contract/vectors/passports');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

interface VectorKey {
  seed_hex: string;
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; d: string };
  kid: string;
}
interface VectorFile {
  keys: Record<string, VectorKey>;
  jwks?: { keys: unknown[] };
  cases: Array<Record<string, unknown> & { name: string }>;
}

describe.each(files)('passport vectors: %s', (file) => {
  const vectors = JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as VectorFile;

  it('keys: the JWK is the seed, and kid is its RFC 7638 thumbprint', () => {
    for (const key of Object.values(vectors.keys)) {
      expect(exportPrivateJwk(ed25519KeyPairFromSeed(Buffer.from(key.seed_hex, 'hex')).privateKey)).toEqual(
        key.jwk,
      );
      expect(jwkThumbprint(key.jwk)).toBe(key.kid);
    }
  });

  for (const vector of vectors.cases) {
    if ('input' in vector) {
      it(`${vector.name}: issues the exact token`, () => {
        const key = vectors.keys[vector.key as string]!;
        const { token, claims } = issuePassport(
          Keyset.fromPrivateJwks([key.jwk]),
          vector.input as IssuePassportInput,
          vector.now as number,
        );
        expect(claims).toEqual(vector.claims);
        expect(token).toBe(vector.token);
      });
    } else {
      it(`${vector.name}: verifies to ${JSON.stringify(vector.expected)}`, async () => {
        const context = vector.context as {
          now: number;
          issuer: string;
          audience: string;
          tenant_id: string;
          leeway_seconds: number;
        };
        const state = (vector.state ?? {}) as { revoked?: string[]; claimed?: string[] };
        const store = new MemoryJtiClaimStore();
        for (const jti of state.revoked ?? []) await store.revoke(context.tenant_id, jti, 'vector');
        for (const jti of state.claimed ?? [])
          await store.claim(context.tenant_id, jti, Number.MAX_SAFE_INTEGER);
        const result = await verifyPassport(vector.token, {
          keys: jwksResolver(vectors.jwks!),
          store,
          nowSeconds: context.now,
          issuer: context.issuer,
          audience: context.audience,
          tenantId: context.tenant_id,
          leewaySeconds: context.leeway_seconds,
          ...(vector.action ? { action: vector.action as PassportAction } : {}),
        });
        expect(result.ok ? { ok: true } : { ok: false, reason_code: result.reason_code }).toEqual(
          vector.expected,
        );
      });
    }
  }
});
