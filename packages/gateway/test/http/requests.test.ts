import { describe, expect, it } from 'vitest';
import { contract } from '../../src/generated/contract.js';
import { createGateway } from '../../src/index.js';
import { caller, refund, testGateway } from './helpers.js';

const PREFLIGHT = '/api/v1/actions/preflight';

describe('routing', () => {
  it('routes every operation of the contract', async () => {
    const { call } = testGateway();
    const paths = contract.paths as unknown as Record<string, Record<string, unknown>>;
    for (const [template, item] of Object.entries(paths)) {
      for (const method of Object.keys(item)) {
        const id = template.startsWith('/api/v1/suspensions/') ? 'sus_x' : 'apr_x';
        const path = template.replace('{jti}', 'ap_x').replace('{id}', id).replace('{name}', 'x');
        const { status, body } = await call(method.toUpperCase(), path);
        // People's sign-in is routed too, answering that this gateway has no provider configured.
        if (path.startsWith('/api/v1/auth/') && status === 404) {
          expect(body.error.code, path).toBe('auth.oidc_not_configured');
          continue;
        }
        // Unauthenticated: 401, or 200 for the public endpoints, never "no such route".
        expect([200, 401]).toContain(status);
      }
    }
  });

  it('answers unknown paths with 404 and a request id', async () => {
    const { gateway } = testGateway();
    const response = await gateway.fetch(new Request('http://x/api/v1/nope'));
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect((await response.json()).error.code).toBe('request.not_found');
  });

  it('answers a known path with the wrong method with 405 naming the right one', async () => {
    const { gateway } = testGateway();
    const response = await gateway.fetch(new Request('http://x/api/v1/actions/preflight'));
    expect(response.status).toBe(405);
    expect((await response.json()).error.message).toContain('POST');
  });

  it('serves health and JWKS without a key', async () => {
    const { call, gateway } = testGateway();
    expect((await call('GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await call('GET', '/.well-known/jwks.json')).body).toEqual(gateway.jwks());
  });
});

describe('request validation', () => {
  it('rejects an unknown field, naming it and the fix', async () => {
    const { call, keys } = testGateway();
    const { status, body } = await call('POST', PREFLIGHT, {
      key: keys.agent,
      body: { ...refund(100), amount: 5 },
    });
    expect(status).toBe(400);
    expect(body.error.code).toBe('request.invalid');
    expect(body.error.message).toMatch(/^body\.amount: unknown field; .*args/);
    expect(body.error.details).toContainEqual({ path: 'body.amount', message: 'unknown field' });
  });

  it('names nested unknown fields and missing required ones', async () => {
    const { call, keys } = testGateway();
    const nested = await call('POST', PREFLIGHT, {
      key: keys.agent,
      body: { ...refund(100), tool_definition: { name: 'x', description: 'd', input_schema: {}, extra: 1 } },
    });
    expect(nested.body.error.message).toContain('body.tool_definition.extra: unknown field');
    const missing = await call('POST', PREFLIGHT, { key: keys.agent, body: { tool: 'x' } });
    expect(missing.body.error.message).toMatch(/^body\.goal: is required; add it/);
  });

  it('rejects bad JSON, duplicate keys and unsafe integers', async () => {
    const { call, keys } = testGateway();
    const broken = await call('POST', PREFLIGHT, { key: keys.agent, rawBody: '{"goal": ' });
    expect(broken.status).toBe(400);
    const duplicate = await call('POST', PREFLIGHT, {
      key: keys.agent,
      rawBody: '{"goal":"a","goal":"b","tool":"t"}',
    });
    expect(duplicate.body.error.message).toContain('duplicate key');
    const unsafe = await call('POST', PREFLIGHT, {
      key: keys.agent,
      rawBody: '{"goal":"a","tool":"t","args":{"amount":9007199254740993}}',
    });
    expect(unsafe.status).toBe(400);
    expect(unsafe.body.error.message).toMatch(/^body\.args\.amount:/);
  });

  it('rejects an oversized body before parsing it', async () => {
    const gateway = createGateway({
      tenants: [{ id: 't' }],
      apiKeys: [{ key: 'k', tenantId: 't', roles: ['agent'] }],
      maxBodyBytes: 64,
    });
    const { status, body } = await caller(gateway.fetch)('POST', PREFLIGHT, {
      key: 'k',
      body: { goal: 'x'.repeat(100), tool: 't' },
    });
    expect(status).toBe(400);
    expect(body.error.message).toContain('exceeds 64 bytes');
  });

  it('validates query and path parameters against the contract', async () => {
    const { call, keys } = testGateway();
    const limit = await call('GET', '/api/v1/evidence?limit=5000', { key: keys.admin });
    expect(limit.status).toBe(400);
    expect(limit.body.error.message).toMatch(/^query\.limit/);
    const id = await call('GET', '/api/v1/approvals/not-an-id', { key: keys.approver });
    expect(id.status).toBe(400);
    expect(id.body.error.message).toMatch(/^path\.id: must match/);
  });

  it('rejects recording evidence of a type the gateway writes itself', async () => {
    const { call, keys } = testGateway();
    for (const type of [
      'decision',
      'approval.approved',
      'passport.issued',
      'credential.stored',
      'policy.updated',
    ]) {
      const { status, body } = await call('POST', '/api/v1/evidence', {
        key: keys.agent,
        body: { type, data: {} },
      });
      expect(status).toBe(400);
      expect(body.error.message).toMatch(/^body\.type:/);
    }
    const ok = await call('POST', '/api/v1/evidence', {
      key: keys.agent,
      body: { type: 'app.outcome', data: { ok: true } },
    });
    expect(ok.status).toBe(201);
  });

  it('reports every problem of a policy with its rule id', async () => {
    const { call, keys } = testGateway();
    const { status, body } = await call('PUT', '/api/v1/policy', {
      key: keys.admin,
      body: {
        id: 'p',
        version: 1,
        rules: [
          { id: 'a', when: [{ path: 'nope.x', operator: '==', value: 1 }], decision: 'allow', reason: 'x.y' },
          {
            id: 'a',
            when: [{ path: 'tool', operator: 'regex', value: '.*' }],
            decision: 'allow',
            reason: 'x.y',
          },
        ],
      },
    });
    expect(status).toBe(400);
    expect(body.error.details.length).toBeGreaterThanOrEqual(3);
    expect(body.error.details.every((detail: { rule_id?: string }) => detail.rule_id === 'a')).toBe(true);
  });
});

describe('authentication and roles', () => {
  it('401 without a key and with an unknown key', async () => {
    const { call } = testGateway();
    expect((await call('POST', PREFLIGHT, { body: refund(1) })).body.error.code).toBe('auth.missing_key');
    expect((await call('POST', PREFLIGHT, { key: 'ak_nope', body: refund(1) })).body.error.code).toBe(
      'auth.invalid_key',
    );
  });

  it('403 when the key lacks the role', async () => {
    const { call, keys } = testGateway();
    const cases: Array<[string, string, string, unknown?]> = [
      [keys.admin, 'POST', PREFLIGHT, refund(1)],
      [keys.agent, 'GET', '/api/v1/approvals'],
      [keys.agent, 'POST', '/api/v1/approvals/apr_x/approve', {}],
      [keys.approver, 'GET', '/api/v1/evidence'],
      [keys.agent, 'GET', '/api/v1/evidence/export'],
      [keys.agent, 'PUT', '/api/v1/policy', { id: 'p', version: 1, rules: [] }],
      [keys.approver, 'GET', '/api/v1/credentials'],
      [keys.agent, 'GET', '/api/v1/tools'],
    ];
    for (const [key, method, path, body] of cases) {
      const result = await call(method, path, { key, body });
      expect([path, result.status, result.body.error.code]).toEqual([path, 403, 'auth.forbidden']);
    }
  });

  it('403 tenant_mismatch when a header or body hint names another tenant', async () => {
    const { call, keys, other } = testGateway();
    const byHeader = await call('POST', PREFLIGHT, {
      key: keys.agent,
      body: refund(1),
      headers: { 'x-actpass-tenant': other.tenantId },
    });
    expect(byHeader.body.error.code).toBe('auth.tenant_mismatch');
    const byBody = await call('POST', PREFLIGHT, {
      key: keys.agent,
      body: refund(1, { tenant_id: other.tenantId }),
    });
    expect(byBody.body.error.code).toBe('auth.tenant_mismatch');
    const matching = await call('POST', PREFLIGHT, {
      key: keys.agent,
      body: refund(1, { tenant_id: keys.tenantId }),
    });
    expect(matching.status).toBe(200);
  });

  it('binds an agent key to its agent', async () => {
    const { call, keys } = testGateway({ agentId: 'support_agent' });
    const implied = await call('POST', PREFLIGHT, { key: keys.agent, body: refund(100) });
    const recorded = implied.body.action_hash;
    const explicit = await call('POST', PREFLIGHT, {
      key: keys.agent,
      body: refund(100, { agent_id: 'support_agent' }),
    });
    expect(explicit.body.action_hash).toBe(recorded);
    const other = await call('POST', PREFLIGHT, {
      key: keys.agent,
      body: refund(100, { agent_id: 'intruder' }),
    });
    expect([other.status, other.body.error.code]).toEqual([403, 'auth.forbidden']);
  });

  it('stores only key hashes and accepts a configured keyHash', async () => {
    const { hashApiKey } = await import('../../src/index.js');
    const gateway = createGateway({
      tenants: [{ id: 't' }],
      apiKeys: [{ keyHash: hashApiKey('secret-key'), tenantId: 't', roles: ['agent'] }],
    });
    const { status } = await caller(gateway.fetch)('POST', PREFLIGHT, { key: 'secret-key', body: refund(1) });
    expect(status).toBe(200);
  });
});
