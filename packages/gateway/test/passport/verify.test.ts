import { describe, expect, it } from 'vitest';
import {
  claimPassport,
  issuePassport,
  MemoryJtiClaimStore,
  type PassportAction,
  verifyPassport,
  violatedConstraint,
} from '../../src/passport/index.js';
import { AUDIENCE, baseInput, ISSUER, NOW, setup, TENANT } from './helpers.js';

const refund: PassportAction = {
  tool: 'stripe.refund',
  resource: 'order:42',
  args: { amount: 4900, currency: 'USD', mode: 'live' },
};

describe('verifyPassport', () => {
  it('accepts a fresh passport for an allowed action and returns its claims', async () => {
    const { token, options, claims } = setup();
    expect(await verifyPassport(token, options({ action: refund }))).toEqual({ ok: true, claims });
    expect(claims).toMatchObject({ iss: ISSUER, aud: AUDIENCE, tenant_id: TENANT, exp: NOW + 300, iat: NOW });
    expect(claims.jti).toMatch(/^ap_[A-Za-z0-9_-]{22}$/);
  });

  it.each([
    ['issuer', { issuer: 'https://elsewhere' }, 'passport.wrong_issuer'],
    ['audience', { audience: 'another-gateway' }, 'passport.wrong_audience'],
    ['tenant', { tenantId: 'tenant_b' }, 'passport.tenant_mismatch'],
  ] as const)('rejects a wrong %s', async (_name, override, reason) => {
    const { token, options } = setup();
    const result = await verifyPassport(token, options(override));
    expect(result).toMatchObject({ ok: false, reason_code: reason });
    // Failures after the signature check still say which passport it was.
    expect(result.ok ? null : result.claims?.jti).toMatch(/^ap_/);
  });

  describe('time window with leeway', () => {
    it.each([
      [0, NOW + 299, true],
      [0, NOW + 300, false],
      [30, NOW + 329, true],
      [30, NOW + 330, false],
    ])('leeway %i s, now %i → valid %s (exp is exclusive)', async (leeway, now, valid) => {
      const { token, options } = setup();
      const result = await verifyPassport(token, options({ nowSeconds: now, leewaySeconds: leeway }));
      expect(result.ok ? 'ok' : result.reason_code).toBe(valid ? 'ok' : 'passport.expired');
    });

    it.each([
      [0, NOW - 1, false],
      [5, NOW - 5, true],
      [5, NOW - 6, false],
    ])('leeway %i s, now %i before nbf → valid %s', async (leeway, now, valid) => {
      const { token, options } = setup();
      const result = await verifyPassport(token, options({ nowSeconds: now, leewaySeconds: leeway }));
      expect(result.ok ? 'ok' : result.reason_code).toBe(valid ? 'ok' : 'passport.not_yet_valid');
    });

    it('refuses a leeway outside 0..30 s as a configuration error', async () => {
      const { token, options } = setup();
      await expect(verifyPassport(token, options({ leewaySeconds: 31 }))).rejects.toThrow(RangeError);
      await expect(verifyPassport(token, options({ leewaySeconds: -1 }))).rejects.toThrow(RangeError);
    });
  });

  it('clamps the TTL to [1, 3600] and defaults it to 300', () => {
    const { keyset } = setup();
    const ttl = (ttl_seconds?: number) => {
      const { claims } = issuePassport(keyset, baseInput({ ttl_seconds }), NOW);
      return claims.exp - claims.iat;
    };
    expect([ttl(), ttl(0), ttl(-5), ttl(1), ttl(7200), ttl(Number.NaN), ttl(90.9)]).toEqual([
      300, 1, 1, 1, 3600, 300, 90,
    ]);
  });

  it('rejects a revoked passport, before the replay check', async () => {
    const { token, options, store, claims } = setup();
    await store.claim(TENANT, claims.jti, claims.exp);
    await store.revoke(TENANT, claims.jti, 'compromised');
    expect(await verifyPassport(token, options())).toMatchObject({ reason_code: 'passport.revoked' });
  });

  it('revocation is per tenant', async () => {
    const { token, options, store, claims } = setup();
    await store.revoke('tenant_b', claims.jti, 'other tenant');
    expect(await verifyPassport(token, options())).toMatchObject({ ok: true });
  });

  it('verify never consumes; claim consumes exactly once; verify then reports the replay', async () => {
    const { token, options, store, claims } = setup();
    for (let i = 0; i < 3; i++) expect(await verifyPassport(token, options())).toMatchObject({ ok: true });
    expect(await claimPassport(store, claims)).toEqual({ ok: true });
    expect(await claimPassport(store, claims)).toMatchObject({ ok: false, reason_code: 'passport.replayed' });
    expect(await verifyPassport(token, options())).toMatchObject({ reason_code: 'passport.replayed' });
  });

  it('50 concurrent claims of one jti: exactly one wins', async () => {
    const { store, claims } = setup();
    const results = await Promise.all(Array.from({ length: 50 }, () => claimPassport(store, claims, 30)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason_code === 'passport.replayed')).toHaveLength(49);
  });

  it('keeps a claim until exp + the maximum leeway (whatever leeway the caller uses), then purges it', async () => {
    const { store, claims } = setup();
    await claimPassport(store, claims, 0);
    expect(await store.purgeExpired(claims.exp + 30)).toBe(0);
    expect(await store.isClaimed(TENANT, claims.jti)).toBe(true);
    expect(await store.purgeExpired(claims.exp + 31)).toBe(1);
    expect(await store.isClaimed(TENANT, claims.jti)).toBe(false);
  });

  it('purges expired claims on its own every 1024 claims', async () => {
    const { store: _unused, claims } = setup();
    const store = new MemoryJtiClaimStore({ nowSeconds: () => claims.exp + 1000 });
    await store.claim(TENANT, 'ap_old', claims.exp);
    for (let i = 0; i < 1023; i++) await store.claim(TENANT, `ap_${i}`, claims.exp + 5000);
    expect(await store.isClaimed(TENANT, 'ap_old')).toBe(false);
    expect(await store.isClaimed(TENANT, 'ap_5')).toBe(true);
  });

  describe('action checks', () => {
    const check = async (action: PassportAction, overrides = {}) => {
      const { token, options } = setup(overrides);
      const result = await verifyPassport(token, options({ action }));
      return result.ok ? 'ok' : result.reason_code;
    };

    it('matches tools exactly or by glob, case-sensitively', async () => {
      expect(await check({ ...refund, tool: 'crm.update_contact' })).toBe('ok');
      expect(await check({ ...refund, tool: 'stripe.refunds' })).toBe('passport.tool_not_allowed');
      expect(await check({ ...refund, tool: 'Stripe.refund' })).toBe('passport.tool_not_allowed');
      expect(await check({ ...refund, tool: 'crm' })).toBe('passport.tool_not_allowed');
    });

    it('matches resources; an absent resource only passes a "*" entry', async () => {
      expect(await check({ ...refund, resource: 'customer:7' })).toBe('ok');
      expect(await check({ ...refund, resource: 'order:43' })).toBe('passport.resource_not_allowed');
      expect(await check({ ...refund, resource: undefined })).toBe('passport.resource_not_allowed');
      expect(await check({ ...refund, resource: undefined }, { allowed_resources: undefined })).toBe('ok');
      expect(await check(refund, { allowed_resources: [] })).toBe('passport.resource_not_allowed');
    });

    it('checks tool before resource before constraints', async () => {
      expect(await check({ tool: 'nope', resource: 'nope', args: {} })).toBe('passport.tool_not_allowed');
      expect(await check({ ...refund, resource: 'nope', args: {} })).toBe('passport.resource_not_allowed');
    });

    it.each([
      [{ amount: 5000, currency: 'EUR', mode: 'live' }, null],
      [{ amount: 1, currency: 'USD', mode: 'live' }, null],
      [{ amount: 5001, currency: 'USD', mode: 'live' }, 'max_amount'],
      [{ amount: 0, currency: 'USD', mode: 'live' }, 'min_amount'],
      [{ amount: '100', currency: 'USD', mode: 'live' }, 'max_amount'],
      [{ currency: 'USD', mode: 'live' }, 'max_amount'],
      [{ amount: 10, currency: 'GBP', mode: 'live' }, 'currency'],
      [{ amount: 10, currency: 'usd', mode: 'live' }, 'currency'],
      [{ amount: 10, currency: 'USD' }, 'mode'],
      [{ amount: 10, currency: 'USD', mode: ['live'] }, 'mode'],
    ])('constraints on args %j → %s', async (args, violated) => {
      const constraints = baseInput().resource_constraints!;
      expect(violatedConstraint(constraints, args)).toBe(violated);
      expect(await check({ ...refund, args })).toBe(violated ? 'passport.constraint_violated' : 'ok');
    });

    it('does not read inherited properties as arguments', () => {
      expect(violatedConstraint({ constructor: 'x' }, {})).toBe('constructor');
      expect(violatedConstraint({ max_length: 10 }, [])).toBe('max_length');
    });

    it('binds a passport with action_hash to that exact action', async () => {
      const action_hash = 'a'.repeat(64);
      expect(await check({ ...refund, action_hash }, { action_hash })).toBe('ok');
      expect(await check({ ...refund, action_hash: 'b'.repeat(64) }, { action_hash })).toBe(
        'passport.constraint_violated',
      );
      expect(await check(refund, { action_hash })).toBe('passport.constraint_violated');
    });
  });

  it('refuses to issue a passport that could not verify', () => {
    const { keyset } = setup();
    expect(() => issuePassport(keyset, baseInput({ allowed_tools: [''] }), NOW)).toThrow(/allowed_tools/);
    expect(() =>
      issuePassport(keyset, baseInput({ resource_constraints: { max_amount: '5' } }), NOW),
    ).toThrow(/max_amount/);
    expect(() => issuePassport(keyset, baseInput({ jti: 'bad' }), NOW)).toThrow(/jti/);
    expect(() => issuePassport(keyset, baseInput({ action_hash: 'ABC' }), NOW)).toThrow(/action_hash/);
  });

  it('never throws for junk input', async () => {
    const { options } = setup();
    for (const junk of [null, undefined, {}, [], 'a.b.c', '..', 'eyJ9.eyJ9.', '\u0000.\u0000.\u0000']) {
      expect(await verifyPassport(junk, options())).toMatchObject({
        ok: false,
        reason_code: 'passport.malformed',
      });
    }
  });
});
