/**
 * At the HTTP edge: tool names are dot-separated `[A-Za-z0-9_-]+` segments (400 naming
 * `tool` otherwise), passports and policies refuse invalid tool globs, and the globs themselves no
 * longer let a path-like name or resource through.
 */
import { describe, expect, it } from 'vitest';
import { refund, testGateway } from './helpers.js';

const PREFLIGHT = '/api/v1/actions/preflight';

describe('tool names and globs', () => {
  it('refuses a preflight whose tool is not a name, naming the field, before anything is recorded', async () => {
    const { call, keys, ledger } = testGateway();
    expect((await call('POST', PREFLIGHT, { key: keys.agent, body: refund(100) })).status).toBe(200);
    const before = (await ledger()).length;
    for (const tool of [
      '.refund.create',
      'stripe.refund.x/../../payout.create',
      'stripe..refund',
      'a b',
      'stripe.',
    ]) {
      const { status, body } = await call('POST', PREFLIGHT, {
        key: keys.agent,
        body: refund(100, { tool }),
      });
      expect(status, tool).toBe(400);
      expect(body.error.code).toBe('request.invalid');
      expect(body.error.message).toMatch(/^body\.tool: /);
    }
    expect((await ledger()).length).toBe(before);
  });

  it('a passport for stripe.refund.* cannot be stretched to another tool or resource', async () => {
    const { call, keys } = testGateway();
    const issue = async (extra: object) =>
      (
        await call('POST', '/api/v1/passports', {
          key: keys.agent,
          body: {
            audience: 'a',
            goal: 'resolve_refund_request',
            allowed_tools: ['stripe.refund.*'],
            ...extra,
          },
        })
      ).body.token as string;
    const deeper = await call('POST', PREFLIGHT, {
      key: keys.agent,
      body: refund(100, { tool: 'stripe.refund.create.all', passport: await issue({}) }),
    });
    expect(deeper.body.reason_code).toBe('passport.tool_not_allowed');
    const otherCharge = await call('POST', PREFLIGHT, {
      key: keys.agent,
      body: refund(100, {
        resource: 'stripe:charge:ch_1/../ch_2',
        passport: await issue({ allowed_resources: ['stripe:charge:ch_1*'] }),
      }),
    });
    expect(otherCharge.body.reason_code).toBe('passport.resource_not_allowed');
    const sameCharge = await call('POST', PREFLIGHT, {
      key: keys.agent,
      body: refund(100, {
        resource: 'stripe:charge:ch_123',
        passport: await issue({ allowed_resources: ['stripe:charge:ch_1*'] }),
      }),
    });
    expect(sameCharge.body.decision).toBe('allow');
  });

  it('refuses to issue a passport or load a policy with an invalid tool glob', async () => {
    const { call, keys } = testGateway();
    const passport = await call('POST', '/api/v1/passports', {
      key: keys.agent,
      body: { audience: 'a', goal: 'g', allowed_tools: ['stripe.re**'] },
    });
    expect(passport.status).toBe(400);
    expect(passport.body.error.message).toContain('allowed_tools[0]');
    const policy = await call('PUT', '/api/v1/policy', {
      key: keys.admin,
      body: {
        id: 'p',
        version: 1,
        rules: [
          {
            id: 'r',
            when: [{ path: 'tool', operator: 'glob', value: 'stripe/*' }],
            decision: 'allow',
            reason: 'x.y',
          },
        ],
      },
    });
    expect(policy.status).toBe(400);
    expect(policy.body.error.message).toContain('rules[0].when[0].value');
  });

  it('refuses to approve a tool whose name no preflight could use (":" and "/" included)', async () => {
    const { call, keys } = testGateway();
    for (const name of ['billing:refund', 'billing%2Frefund', 'billing..refund']) {
      const definition = {
        name: decodeURIComponent(name),
        description: 'Refunds a charge.',
        input_schema: {},
      };
      const { status, body } = await call('PUT', `/api/v1/tools/${name}`, {
        key: keys.admin,
        body: definition,
      });
      expect(status, name).toBe(400);
      expect(body.error.code).toBe('request.invalid');
    }
    const ok = await call('PUT', '/api/v1/tools/billing.refund', {
      key: keys.admin,
      body: { name: 'billing.refund', description: 'Refunds a charge.', input_schema: {} },
    });
    expect(ok.status).toBe(200);
  });

  it('refuses to issue a passport too long for any verifier to read, saying what to shorten', async () => {
    const { call, keys } = testGateway();
    const resources = Array.from(
      { length: 20 },
      (_, i) => `stripe:charge:ch_${String(i).padStart(500, '0')}`,
    );
    const { status, body } = await call('POST', '/api/v1/passports', {
      key: keys.agent,
      body: {
        audience: 'a',
        goal: 'g',
        allowed_tools: ['stripe.refund.create'],
        allowed_resources: resources,
      },
    });
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/over the 8192 a verifier reads; list fewer or shorter allowed_tools/);
    const fits = await call('POST', '/api/v1/passports', {
      key: keys.agent,
      body: {
        audience: 'a',
        goal: 'g',
        allowed_tools: ['stripe.refund.create'],
        allowed_resources: resources.slice(0, 2),
      },
    });
    expect(fits.status).toBe(201);
    expect(fits.body.token.length).toBeLessThanOrEqual(8192);
  });
});
