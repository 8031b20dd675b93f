import { canonicalize } from '@actpass/sdk/canonical';
import { describe, expect, it } from 'vitest';
import { PASSPORT_MAX_TOKEN_CHARS, parseToken, verifyPassport } from '../../src/passport/index.js';
import { craftHs256, craftToken, primaryPrivateKey, segments, setup } from './helpers.js';

const TYP = 'actpass-passport+jwt';

describe('passport token structure and header allow-list', () => {
  it('signs a JCS-canonical header {alg, kid, typ}', () => {
    const { token, keyset } = setup();
    const header = JSON.parse(Buffer.from(segments(token)[0], 'base64url').toString());
    expect(header).toEqual({ alg: 'EdDSA', kid: keyset.primaryKid, typ: TYP });
    expect(Buffer.from(segments(token)[0], 'base64url').toString()).toBe(canonicalize(header));
  });

  it('accepts alg "Ed25519" (RFC 9864) as well as "EdDSA"', async () => {
    const { keyset, claims, options } = setup();
    const token = craftToken(
      { alg: 'Ed25519', kid: keyset.primaryKid, typ: TYP },
      claims,
      primaryPrivateKey(keyset),
    );
    expect(await verifyPassport(token, options())).toMatchObject({ ok: true });
  });

  const attacks: Array<[string, (ctx: ReturnType<typeof setup>) => string]> = [
    [
      'alg none with an empty signature',
      ({ token, keyset }) => {
        const head = Buffer.from(JSON.stringify({ alg: 'none', kid: keyset.primaryKid, typ: TYP })).toString(
          'base64url',
        );
        return `${head}.${segments(token)[1]}.`;
      },
    ],
    [
      'HS256 keyed with the public key bytes',
      ({ keyset, claims }) => {
        const x = Buffer.from(keyset.jwks().keys[0]!.x, 'base64url');
        return craftHs256({ alg: 'HS256', kid: keyset.primaryKid, typ: TYP }, claims, x);
      },
    ],
    [
      'HS256 keyed with the JWK JSON',
      ({ keyset, claims }) => {
        const jwk = Buffer.from(JSON.stringify(keyset.jwks().keys[0]));
        return craftHs256({ alg: 'HS256', kid: keyset.primaryKid, typ: TYP }, claims, jwk);
      },
    ],
    ...(['crit', 'jku', 'x5u', 'jwk', 'b64', 'cty', 'x5c'] as const).map(
      (member): [string, (ctx: ReturnType<typeof setup>) => string] => [
        `a "${member}" header member, even correctly signed`,
        ({ keyset, claims }) =>
          craftToken(
            { alg: 'EdDSA', kid: keyset.primaryKid, typ: TYP, [member]: member === 'b64' ? false : ['exp'] },
            claims,
            primaryPrivateKey(keyset),
          ),
      ],
    ),
    [
      'a wrong typ',
      ({ keyset, claims }) =>
        craftToken({ alg: 'EdDSA', kid: keyset.primaryKid, typ: 'JWT' }, claims, primaryPrivateKey(keyset)),
    ],
    [
      'a missing typ',
      ({ keyset, claims }) =>
        craftToken({ alg: 'EdDSA', kid: keyset.primaryKid }, claims, primaryPrivateKey(keyset)),
    ],
    [
      'a missing kid',
      ({ keyset, claims }) => craftToken({ alg: 'EdDSA', typ: TYP }, claims, primaryPrivateKey(keyset)),
    ],
    [
      'a duplicated header member',
      ({ keyset, claims }) =>
        craftToken(
          `{"alg":"none","alg":"EdDSA","kid":"${keyset.primaryKid}","typ":"${TYP}"}`,
          claims,
          primaryPrivateKey(keyset),
        ),
    ],
    [
      'a duplicated claim',
      ({ keyset, claims }) =>
        craftToken(
          { alg: 'EdDSA', kid: keyset.primaryKid, typ: TYP },
          `${canonicalize(claims).slice(0, -1)},"aud":"other"}`,
          primaryPrivateKey(keyset),
        ),
    ],
    [
      'an unknown claim',
      ({ keyset, claims }) =>
        craftToken(
          { alg: 'EdDSA', kid: keyset.primaryKid, typ: TYP },
          { ...claims, admin: true },
          primaryPrivateKey(keyset),
        ),
    ],
    [
      'a non-integer exp',
      ({ keyset, claims }) =>
        craftToken(
          { alg: 'EdDSA', kid: keyset.primaryKid, typ: TYP },
          { ...claims, exp: claims.exp + 0.5 },
          primaryPrivateKey(keyset),
        ),
    ],
    [
      'a lifetime over 3600 s',
      ({ keyset, claims }) =>
        craftToken(
          { alg: 'EdDSA', kid: keyset.primaryKid, typ: TYP },
          { ...claims, exp: claims.iat + 3601 },
          primaryPrivateKey(keyset),
        ),
    ],
    [
      'a payload that is an array',
      ({ keyset }) =>
        craftToken({ alg: 'EdDSA', kid: keyset.primaryKid, typ: TYP }, '[1]', primaryPrivateKey(keyset)),
    ],
    ['two segments', ({ token }) => segments(token).slice(0, 2).join('.')],
    ['four segments', ({ token }) => `${token}.AAAA`],
    [
      'base64 padding',
      ({ token }) => {
        const [h, p, s] = segments(token);
        return `${h}=.${p}.${s}`;
      },
    ],
    [
      'standard-base64 characters',
      ({ token }) => {
        const [h, p, s] = segments(token);
        return `${h}.${p}.${s.replace(/-/g, '+').replace(/_/g, '/')}x+`;
      },
    ],
    [
      'non-zero trailing bits in the signature',
      ({ token }) => {
        const [h, p, s] = segments(token);
        // 64 bytes → 86 chars whose last one carries 4 unused bits; flipping one gives the same bytes.
        const last = s.at(-1)!;
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        return `${h}.${p}.${s.slice(0, -1)}${alphabet[alphabet.indexOf(last) ^ 1]}`;
      },
    ],
    ['a truncated signature', ({ token }) => token.slice(0, -4)],
    ['an oversize token', ({ token }) => `${token}${'A'.repeat(PASSPORT_MAX_TOKEN_CHARS)}`],
    ['a non-string token', () => 42 as unknown as string],
    ['an empty string', () => ''],
  ];

  for (const [name, build] of attacks) {
    it(`rejects ${name} as passport.malformed`, async () => {
      const ctx = setup();
      const result = await verifyPassport(build(ctx), ctx.options());
      expect(result).toMatchObject({ ok: false, reason_code: 'passport.malformed' });
    });
  }

  it('names the offending header member', () => {
    const { keyset, claims } = setup();
    const token = craftToken(
      { alg: 'EdDSA', kid: keyset.primaryKid, typ: TYP, jku: 'https://evil' },
      claims,
      primaryPrivateKey(keyset),
    );
    expect(parseToken(token)).toEqual({ ok: false, message: 'header member "jku" is not allowed' });
  });

  it('rejects a tampered payload and a tampered signature as bad_signature', async () => {
    const { token, claims, options } = setup();
    const [h, , s] = segments(token);
    const forged = Buffer.from(
      canonicalize({ ...claims, resource_constraints: { max_amount: 10 ** 9 } }),
    ).toString('base64url');
    expect(await verifyPassport(`${h}.${forged}.${s}`, options())).toMatchObject({
      reason_code: 'passport.bad_signature',
    });
    const sig = Buffer.from(s, 'base64url');
    sig[10] = (sig[10] ?? 0) ^ 0x01;
    const tampered = `${h}.${segments(token)[1]}.${sig.toString('base64url')}`;
    expect(await verifyPassport(tampered, options())).toMatchObject({
      reason_code: 'passport.bad_signature',
    });
  });

  it('rejects an unknown kid without looking anywhere else for the key', async () => {
    const { claims, options } = setup();
    const stranger = setup().keyset;
    const token = craftToken(
      { alg: 'EdDSA', kid: stranger.primaryKid, typ: TYP },
      claims,
      primaryPrivateKey(stranger),
    );
    expect(await verifyPassport(token, options())).toMatchObject({ reason_code: 'passport.unknown_key' });
  });

  it('rejects a correctly signed token whose kid names another key of the set', async () => {
    const { keyset, claims, options } = setup();
    const oldKid = keyset.primaryKid;
    keyset.rotate(new Date());
    // Signed by the new primary but claiming the old kid: the old key must not verify it.
    const token = craftToken({ alg: 'EdDSA', kid: oldKid, typ: TYP }, claims, primaryPrivateKey(keyset));
    expect(await verifyPassport(token, options())).toMatchObject({ reason_code: 'passport.bad_signature' });
  });
});
