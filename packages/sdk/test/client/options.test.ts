import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ActPass, MisconfiguredError } from '../../src/index.js';
import { allowDecision, BASE_URL, REFUND } from '../helpers/fixtures.js';
import { scriptedFetch } from '../helpers/scripted-fetch.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.unstubAllEnvs();
});
afterAll(() => server.close());

const ok = () => ({ status: 200, headers: { 'x-request-id': 'req_1' }, json: allowDecision() });

describe('client options', () => {
  it('sends the API key, tenant hint and client agentId, and the mode it was given', async () => {
    const { fetch, requests } = scriptedFetch([ok()]);
    const client = new ActPass({
      apiKey: 'k_live',
      tenantId: 'acme',
      agentId: 'support_agent',
      baseUrl: BASE_URL,
      fetch,
    });
    await client.preflight(REFUND);
    const [req] = requests;
    expect(req?.url).toBe(`${BASE_URL}/api/v1/actions/preflight`);
    expect(req?.headers.get('authorization')).toBe('Bearer k_live');
    expect(req?.headers.get('x-actpass-tenant')).toBe('acme');
    expect(req?.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(req?.body ?? '')).toEqual({ ...REFUND, mode: 'enforce', agent_id: 'support_agent' });
  });

  it("keeps the call's own agent_id and mode over the client's", async () => {
    const { fetch, requests } = scriptedFetch([ok()]);
    const client = new ActPass({
      apiKey: 'k',
      agentId: 'default_agent',
      mode: 'warn',
      baseUrl: BASE_URL,
      fetch,
    });
    await client.preflight({ ...REFUND, agent_id: 'other_agent', mode: 'strict' });
    expect(JSON.parse(requests[0]?.body ?? '')).toMatchObject({ agent_id: 'other_agent', mode: 'strict' });
  });

  it('uses the client mode when the call names none', async () => {
    const { fetch, requests } = scriptedFetch([ok()]);
    await new ActPass({ apiKey: 'k', mode: 'monitor', baseUrl: BASE_URL, fetch }).preflight(REFUND);
    expect(JSON.parse(requests[0]?.body ?? '').mode).toBe('monitor');
  });

  it('falls back to ACTPASS_API_KEY and ACTPASS_BASE_URL', async () => {
    vi.stubEnv('ACTPASS_API_KEY', 'k_from_env');
    vi.stubEnv('ACTPASS_BASE_URL', 'http://env-gateway.test/');
    const { fetch, requests } = scriptedFetch([ok()]);
    await new ActPass({ fetch }).preflight(REFUND);
    expect(requests[0]?.url).toBe('http://env-gateway.test/api/v1/actions/preflight');
    expect(requests[0]?.headers.get('authorization')).toBe('Bearer k_from_env');
  });

  it('defaults to the embedded gateway address when nothing is configured', async () => {
    vi.stubEnv('ACTPASS_BASE_URL', '');
    const { fetch, requests } = scriptedFetch([ok()]);
    await new ActPass({ apiKey: 'k', fetch }).preflight(REFUND);
    expect(requests[0]?.url).toBe('http://127.0.0.1:8787/api/v1/actions/preflight');
  });

  it('never throws from the constructor; other methods throw MisconfiguredError without a key', async () => {
    vi.stubEnv('ACTPASS_API_KEY', '');
    const client = new ActPass({ baseUrl: BASE_URL });
    await expect(client.tools.list()).rejects.toBeInstanceOf(MisconfiguredError);
    await expect(client.tools.list()).rejects.toThrow(/ACTPASS_API_KEY/);
  });

  it('looks up globalThis.fetch per request, not at construction', async () => {
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, logger: {} });
    const { fetch, requests } = scriptedFetch([ok()]);
    const original = globalThis.fetch;
    globalThis.fetch = fetch;
    try {
      const decision = await client.preflight(REFUND);
      expect(decision.decision).toBe('allow');
      expect(requests).toHaveLength(1);
    } finally {
      globalThis.fetch = original;
    }
  });

  it('works with msw when the client was built before the server listened', async () => {
    server.close();
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL });
    server.listen({ onUnhandledRequest: 'error' });
    server.use(
      http.get(`${BASE_URL}/healthz`, () =>
        HttpResponse.json({ status: 'ok' }, { headers: { 'x-request-id': 'req_h' } }),
      ),
    );
    const health = await client.health();
    expect(health).toEqual({ status: 'ok' });
    expect(health._requestId).toBe('req_h');
  });

  it('sends GETs without a body, content-type or Idempotency-Key, and encodes query and path', async () => {
    const { fetch, requests } = scriptedFetch([{ status: 200, json: { items: [] } }]);
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch });
    await client.approvals.list({ status: 'pending', limit: 5 });
    expect(requests[0]?.url).toBe(`${BASE_URL}/api/v1/approvals?status=pending&limit=5`);
    expect(requests[0]?.headers.has('idempotency-key')).toBe(false);
    expect(requests[0]?.headers.has('content-type')).toBe(false);
    expect(requests[0]?.body).toBeUndefined();
  });
});
