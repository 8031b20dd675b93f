import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDevGateway, formatRequestLog, type RequestLogEntry } from '../../src/index.js';
import { refund } from './helpers.js';

const HOSTILE =
  '/api/v1/x\n2026-01-01T00:00:00.000Z req_forged key=acme_admin\r\x1b[31mred\x9b2J\u2028\\\u202eexe.gnp';

const UNSAFE = ['\n', '\r', '\x1b', '\x07', '\x9b', '\u2028', '\u202e'];
const unsafeIn = (line: string) => UNSAFE.filter((char) => line.includes(char));

function entry(overrides: Partial<RequestLogEntry> = {}): RequestLogEntry {
  return {
    time: '2026-11-26T12:00:00.000Z',
    request_id: 'req_1',
    key_id: 'acme_agent',
    tenant_id: 'acme',
    method: 'POST',
    path: '/api/v1/actions/preflight',
    status: 200,
    decision: 'allow',
    reason: 'refund.small_in_scope',
    ms: 1.5,
    ...overrides,
  };
}

describe('formatRequestLog', () => {
  it('prints one line: time, request id, key, tenant, method, path, status, decision/reason, ms', () => {
    expect(formatRequestLog(entry(), 'text')).toBe(
      '2026-11-26T12:00:00.000Z req_1 key=acme_agent tenant=acme POST /api/v1/actions/preflight 200 allow/refund.small_in_scope 1.5ms',
    );
    const failed = entry({
      key_id: null,
      tenant_id: null,
      status: 401,
      decision: null,
      reason: 'auth.invalid_key',
    });
    expect(formatRequestLog(failed, 'text')).toContain(
      'key=- tenant=- POST /api/v1/actions/preflight 401 auth.invalid_key',
    );
    expect(JSON.parse(formatRequestLog(entry(), 'json'))).toEqual(entry());
  });

  it('escapes what a caller sent: no second line, no terminal escape, no field that is not ours', () => {
    const hostile = entry({ method: 'GET\x1b]0;pwned\x07', path: HOSTILE });
    const text = formatRequestLog(hostile, 'text');
    expect(unsafeIn(text)).toEqual([]);
    expect(text.split(' ')).toHaveLength(9);
    expect(text).toContain('/api/v1/x\\x0a2026-01-01T00:00:00.000Z\\x20req_forged');
    expect(text).toContain('\\x1b[31mred\\x9b2J\\u{2028}\\\\');

    const json = formatRequestLog(hostile, 'json');
    expect(unsafeIn(json)).toEqual([]);
    expect(JSON.parse(json)).toEqual(hostile);
  });
});

describe('the gateway tells onRequest of every request', () => {
  function served() {
    const entries: RequestLogEntry[] = [];
    const dev = createDevGateway({
      env: { ACTPASS_VAULT_KEY: randomBytes(32).toString('base64') },
      onRequest: (logged) => entries.push(logged),
    });
    const call = (
      path: string,
      key: string,
      init: { method?: string; body?: unknown; tenant?: string } = {},
    ) =>
      dev.gateway.fetch(
        new Request(`http://gateway.test${path}`, {
          method: init.method ?? 'POST',
          headers: {
            authorization: `Bearer ${key}`,
            'content-type': 'application/json',
            ...(init.tenant ? { 'x-actpass-tenant': init.tenant } : {}),
          },
          ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        }),
      );
    return { ...dev, entries, call };
  }

  it('with the decision, the key id and the tenant; the mistakes a newcomer makes each once', async () => {
    const { gateway, keys, tenants, entries, call } = served();
    const secret = `rk_live_${randomBytes(12).toString('hex')}`;
    await call('/api/v1/actions/preflight', keys.agent, { body: refund(900) });
    await call('/api/v1/actions/preflight', `${keys.agent}x`, { body: refund(900) });
    await call('/api/v1/actions/preflight', keys.agent, { body: refund(900), tenant: 'globex' });
    await call('/api/v1/api/v1/actions/preflight', keys.agent, { body: refund(900) });
    await call('/api/v1/credentials/stripe', keys.admin, {
      method: 'PUT',
      body: { value: secret, bound_tools: ['stripe.refund.create'] },
    });
    await gateway.close();

    expect(
      entries.map(({ key_id, tenant_id, method, path, status, decision, reason }) => [
        key_id,
        tenant_id,
        method,
        path,
        status,
        decision,
        reason,
      ]),
    ).toEqual([
      ['acme_agent', 'acme', 'POST', '/api/v1/actions/preflight', 200, 'allow', 'refund.small_in_scope'],
      [null, null, 'POST', '/api/v1/actions/preflight', 401, null, 'auth.invalid_key'],
      ['acme_agent', 'acme', 'POST', '/api/v1/actions/preflight', 403, null, 'auth.tenant_mismatch'],
      [null, null, 'POST', '/api/v1/api/v1/actions/preflight', 404, null, 'request.not_found'],
      ['acme_admin', 'acme', 'PUT', '/api/v1/credentials/stripe', 200, null, null],
    ]);
    for (const logged of entries) {
      expect(logged.request_id).toMatch(/^req_/);
      expect(logged.ms).toBeGreaterThanOrEqual(0);
      expect(Date.parse(logged.time)).not.toBeNaN();
    }
    // No key (not even the wrong one) and no vaulted secret in any line, in either format.
    const lines = entries.flatMap((logged) => [
      formatRequestLog(logged, 'text'),
      formatRequestLog(logged, 'json'),
    ]);
    const keysOfEveryTenant = tenants.flatMap((t) => [t.agent, t.approver, t.admin]);
    for (const forbidden of [...keysOfEveryTenant, secret, 'Bearer']) {
      expect(lines.filter((line) => line.includes(forbidden))).toEqual([]);
    }
  });

  it('a hostile path reaches the log escaped (the transport-neutral handler takes any string)', async () => {
    const { gateway, keys, entries } = served();
    await gateway.handle({
      method: 'GET',
      path: HOSTILE,
      query: '',
      header: (name) => (name === 'authorization' ? `Bearer ${keys.agent}` : null),
      readBody: async () => '',
    });
    await gateway.close();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.path).toBe(HOSTILE);
    expect(unsafeIn(formatRequestLog(entries[0]!, 'text'))).toEqual([]);
  });

  it('a throwing sink does not change the answer', async () => {
    const dev = createDevGateway({
      onRequest: () => {
        throw new Error('disk full');
      },
    });
    const response = await dev.gateway.fetch(new Request('http://gateway.test/healthz'));
    expect(response.status).toBe(200);
    await dev.gateway.close();
  });
});
