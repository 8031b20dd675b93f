import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyPassport } from '../../src/passport/index.js';
import { AUDIENCE, ISSUER, NOW, primaryPrivateKey, setup } from './helpers.js';

const TYP = 'actpass-passport+jwt';

describe('interop with jose as an independent oracle', () => {
  it('our passports verify under jose.jwtVerify with our published JWKS', async () => {
    const { keyset, token, claims } = setup();
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keyset.jwks()), {
      issuer: ISSUER,
      audience: AUDIENCE,
      typ: TYP,
      algorithms: ['EdDSA'],
      currentDate: new Date(NOW * 1000),
    });
    expect(payload).toEqual(claims);
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: keyset.primaryKid, typ: TYP });
  });

  it.each(['EdDSA', 'Ed25519'])('passports signed by jose SignJWT (alg %s) verify here', async (alg) => {
    const { keyset, claims, options } = setup();
    const { iat, nbf, exp, iss, aud, jti, ...rest } = claims;
    const token = await new SignJWT(rest)
      .setProtectedHeader({ alg, typ: TYP, kid: keyset.primaryKid })
      .setIssuer(iss)
      .setAudience(aud)
      .setJti(jti)
      .setIssuedAt(iat)
      .setNotBefore(nbf)
      .setExpirationTime(exp)
      .sign(primaryPrivateKey(keyset));
    expect(await verifyPassport(token, options())).toEqual({ ok: true, claims });
  });

  it('jose agrees that a tampered passport is invalid', async () => {
    const { keyset, token } = setup();
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.allowed_tools = ['*'];
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    await expect(
      jwtVerify(forged, createLocalJWKSet(keyset.jwks()), { currentDate: new Date(NOW * 1000) }),
    ).rejects.toThrow(/signature/);
  });
});
