import { describe, expect, it } from 'vitest';
import { jwkThumbprint } from '../../src/crypto/index.js';
import { issuePassport, jwksResolver, Keyset, verifyPassport } from '../../src/passport/index.js';
import { baseInput, NOW, setup } from './helpers.js';

describe('Keyset', () => {
  it('uses the RFC 7638 thumbprint as kid and publishes sig/EdDSA JWKs without private parts', () => {
    const keyset = Keyset.generate();
    const [jwk] = keyset.jwks().keys;
    expect(Object.keys(jwk!).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    expect(jwk).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      alg: 'EdDSA',
      use: 'sig',
      kid: keyset.primaryKid,
    });
    expect(jwkThumbprint(jwk!)).toBe(jwk!.kid);
  });

  it('computes the RFC 8037 appendix A.3 thumbprint', () => {
    const x = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';
    expect(jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x })).toBe(
      'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k',
    );
  });

  it('rotation: old tokens verify until their key is retired; JWKS lists exactly the non-retired keys', async () => {
    const { keyset, token: oldToken, options } = setup();
    const oldKid = keyset.primaryKid;
    const newKid = keyset.rotate(new Date());
    expect(keyset.primaryKid).toBe(newKid);
    expect(keyset.list().map((k) => [k.kid, k.status])).toEqual([
      [oldKid, 'active'],
      [newKid, 'primary'],
    ]);
    const { token: newToken } = issuePassport(keyset, baseInput(), NOW);
    expect(JSON.parse(Buffer.from(newToken.split('.')[0]!, 'base64url').toString()).kid).toBe(newKid);
    expect(await verifyPassport(oldToken, options())).toMatchObject({ ok: true });
    expect(keyset.jwks().keys.map((k) => k.kid)).toEqual([oldKid, newKid]);

    keyset.retire(oldKid);
    expect(await verifyPassport(oldToken, options())).toMatchObject({ reason_code: 'passport.unknown_key' });
    expect(await verifyPassport(newToken, options())).toMatchObject({ ok: true });
    expect(keyset.jwks().keys.map((k) => k.kid)).toEqual([newKid]);
  });

  it('refuses to retire the primary or an unknown key', () => {
    const keyset = Keyset.generate();
    expect(() => keyset.retire(keyset.primaryKid)).toThrow(/rotate/);
    expect(() => keyset.retire('nope')).toThrow(/unknown key/);
  });

  it('round-trips through JSON, keeping statuses and signing identically', async () => {
    const { keyset, token, options } = setup();
    const oldKid = keyset.primaryKid;
    keyset.rotate(new Date(0));
    keyset.retire(oldKid);
    const restored = Keyset.fromJSON(JSON.stringify(keyset));
    expect(restored.list()).toEqual(keyset.list());
    expect(restored.jwks()).toEqual(keyset.jwks());
    const data = Buffer.from('same bytes');
    expect(restored.sign(data)).toEqual(keyset.sign(data));
    expect(await verifyPassport(token, options({ keys: restored }))).toMatchObject({
      reason_code: 'passport.unknown_key',
    });
  });

  it('rejects a serialized keyset whose kid is not its key, or without exactly one primary', () => {
    const json = Keyset.generate().toJSON();
    expect(() => Keyset.fromJSON({ ...json, keys: [{ ...json.keys[0]!, kid: 'forged' }] })).toThrow(
      /thumbprint/,
    );
    expect(() => Keyset.fromJSON({ ...json, keys: [{ ...json.keys[0]!, status: 'active' }] })).toThrow(
      /primary/,
    );
    const other = Keyset.generate().toJSON().keys[0]!;
    const mismatched = { ...json.keys[0]!, jwk: { ...json.keys[0]!.jwk, x: other.jwk.x } };
    expect(() => Keyset.fromJSON({ ...json, keys: [mismatched] })).toThrow(/does not match/);
  });

  it('a JWKS resolver verifies like the keyset and ignores entries that are not Ed25519 signing keys', async () => {
    const { keyset, token, options } = setup();
    const jwks = keyset.jwks();
    const polluted = {
      keys: [
        { kty: 'RSA', kid: keyset.primaryKid, n: 'AQAB', e: 'AQAB' },
        { ...jwks.keys[0]!, kid: 'not-the-thumbprint' },
        ...jwks.keys,
      ],
    };
    expect(await verifyPassport(token, options({ keys: jwksResolver(polluted) }))).toMatchObject({
      ok: true,
    });
    expect(
      jwksResolver({ keys: [{ ...jwks.keys[0]!, use: 'enc' }] }).verificationKey(keyset.primaryKid),
    ).toBe(undefined);
  });
});
