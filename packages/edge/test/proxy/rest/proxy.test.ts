/**
 * The REST proxy end to end: a real loopback upstream that counts requests, the in-process gateway,
 * the proxy served on node:http. An allowed call gets through with a secret the agent never sees;
 * denied, held, unauthenticated and undecidable calls never reach the upstream.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createRestProxy } from '../../../src/proxy/rest/index.js';
import { KEYS, type Rig, rawRequest, SECRET, startRig, stateText } from './helpers.js';

let rig: Rig;
afterEach(async () => {
  await rig?.close();
});

async function call(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; key?: string | null } = {},
) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.key !== null) headers.authorization = `Bearer ${init.key ?? KEYS.agent}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${rig.url}${path}`, {
    method: init.method ?? 'POST',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text) };
}

async function evidence(type: string) {
  const response = await rig.gateway.fetch(
    new Request('http://gw/api/v1/evidence?limit=1000', {
      headers: { authorization: `Bearer ${KEYS.admin}` },
    }),
  );
  const page = (await response.json()) as { events: Array<{ type: string; data: Record<string, unknown> }> };
  return page.events.filter((event) => event.type === type);
}

const refund = (amount: number) => ({ body: { amount, currency: 'usd' } });

describe('REST proxy', () => {
  it('forwards an allowed call with the vaulted secret injected, and the agent never sees it', async () => {
    rig = await startRig();
    const res = await call('/payments/charges/ch_1/refunds', refund(4900));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-actpass-decision')).toBe('allow');
    expect(res.headers.get('x-actpass-evidence-event-id')).toMatch(/^ev_/);
    expect(rig.upstream.seen).toHaveLength(1);
    const seen = rig.upstream.seen[0];
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe('/v1/charges/ch_1/refunds');
    expect(seen?.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(JSON.parse(seen?.body ?? '')).toEqual({ amount: 4900, currency: 'usd' });
    // The upstream echoed the Authorization header it received: the proxy redacted it on the way back.
    expect(res.text).not.toContain(SECRET);
    expect(res.json.echo.headers.authorization).toBe('Bearer [redacted by actpass]');
    expect(JSON.stringify(seen?.headers)).not.toContain(KEYS.agent);
  });

  it('answers 403 blocked with the decision on deny, and the upstream never hears of it', async () => {
    rig = await startRig();
    const res = await call('/payments/charges/ch_1/refunds', refund(90000));
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({
      blocked: true,
      decision: { decision: 'deny', reason_code: 'refund.large_denied', source: 'gateway' },
    });
    expect(res.json.decision.credential).toBeUndefined();
    expect(rig.upstream.seen).toHaveLength(0);
  });

  it('holds a medium refund with its approval id, then forwards it once after approval', async () => {
    rig = await startRig();
    const held = await call('/payments/charges/ch_2/refunds', refund(20000));
    expect(held.status).toBe(403);
    expect(held.json.decision).toMatchObject({
      decision: 'require_approval',
      reason_code: 'refund.medium_needs_approval',
    });
    const approvalId = held.json.decision.approval_request_id as string;
    expect(approvalId).toMatch(/^apr_/);
    expect(rig.upstream.seen).toHaveLength(0);

    const approve = await rig.gateway.fetch(
      new Request(`http://gw/api/v1/approvals/${approvalId}/approve`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
        body: '{}',
      }),
    );
    expect(approve.status).toBe(200);
    const headers = { 'x-actpass-approval-request-id': approvalId };
    const released = await call('/payments/charges/ch_2/refunds', { ...refund(20000), headers });
    expect(released.status).toBe(200);
    expect(rig.upstream.seen).toHaveLength(1);
    expect(rig.upstream.seen[0]?.headers['x-actpass-approval-request-id']).toBeUndefined();
    const again = await call('/payments/charges/ch_2/refunds', { ...refund(20000), headers });
    expect(again.status).toBe(403);
    expect(rig.upstream.seen).toHaveLength(1);
  });

  it('answers 401 without a key and for an unknown key, forwarding nothing', async () => {
    rig = await startRig();
    const none = await call('/payments/charges/ch_1/refunds', { ...refund(100), key: null });
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ blocked: true, error: { code: 'auth.missing_key' } });
    // The key is checked before routing, so an unknown one is a 401 too (it used to be a 403 decision).
    const unknown = await call('/payments/charges/ch_1/refunds', { ...refund(100), key: 'ak_not_a_key_123' });
    expect(unknown.status).toBe(401);
    expect(unknown.json).toMatchObject({ blocked: true, error: { code: 'auth.invalid_key' } });
    expect(rig.upstream.seen).toHaveLength(0);
  });

  it('answers 503 blocked when the gateway cannot be reached for the decision', async () => {
    let gateway: typeof fetch = async () => new Response(null, { status: 500 });
    // The key check gets through; the preflight finds the gateway gone.
    const unreachable: typeof fetch = async (input, init) => {
      if (String(input instanceof Request ? input.url : input).endsWith('/whoami'))
        return gateway(input, init);
      throw new TypeError('fetch failed: connect ECONNREFUSED');
    };
    rig = await startRig({ gatewayFetch: unreachable });
    gateway = rig.gateway.fetch as typeof fetch;
    const res = await call('/payments/charges/ch_1/refunds', refund(100));
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({
      blocked: true,
      decision: { decision: 'deny', reason_code: 'client.unreachable' },
    });
    expect(rig.upstream.seen).toHaveLength(0);
  });

  it('answers 503 blocked when a served gateway is down (connection refused)', async () => {
    rig = await startRig();
    const config = rig.proxy.config;
    const down = createRestProxy(
      {
        upstreams: [
          {
            name: 'payments',
            base_url: `${rig.upstream.url}/v1`,
            routes: [{ method: 'POST', path: '/x', tool: 'stripe.refund.create' }],
          },
        ],
      },
      { gateway: { proxyKey: KEYS.proxy, baseUrl: 'http://127.0.0.1:9', maxRetries: 0 } },
    );
    expect(config.upstreams.size).toBe(1);
    const res = await down.fetch(
      new Request('http://proxy.local/payments/x', {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.agent}` },
      }),
    );
    // A served gateway that is down cannot check the key either: 503 before any routing.
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      blocked: true,
      error: { code: 'proxy.gateway_unavailable' },
    });
    expect(rig.upstream.seen).toHaveLength(0);
    await down.close();
  });

  it('strips hop-by-hop headers and every credential the agent sends', async () => {
    rig = await startRig();
    const body = JSON.stringify({ amount: 100, currency: 'usd' });
    const res = await rawRequest(
      rig.port,
      [
        'POST /payments/charges/ch_1/refunds HTTP/1.1',
        `host: 127.0.0.1:${rig.port}`,
        `authorization: Bearer ${KEYS.agent}`,
        'content-type: application/json',
        'cookie: session=agent-cookie',
        'x-api-key: agent-own-key',
        'proxy-authorization: Basic Zm9vOmJhcg==',
        'keep-alive: timeout=5',
        'x-private: hop',
        'x-forwarded-for: 10.0.0.1',
        'x_forwarded_for: 10.0.0.2',
        'x_api_key: agent-own-key-underscored',
        'accept-encoding: gzip, br',
        'x-trace: kept',
        'connection: close, x-private',
      ].join('\n'),
      body,
    );
    expect(res.status).toBe(200);
    const seen = rig.upstream.seen[0]?.headers ?? {};
    for (const name of [
      'cookie',
      'x-api-key',
      'proxy-authorization',
      'keep-alive',
      'x-private',
      'x-forwarded-for',
      'x_forwarded_for',
      'x_api_key',
    ]) {
      expect(seen[name], name).toBeUndefined();
    }
    expect(seen['accept-encoding']).toBe('identity');
    expect(seen['x-trace']).toBe('kept');
    expect(seen.authorization).toBe(`Bearer ${SECRET}`);
    expect(res.head).toMatch(/^x-upstream: yes$/im);
    expect(res.head).not.toMatch(/^keep-alive:/im);
  });

  it('records the outcome: status, duration and the SHA-256 of the upstream body', async () => {
    rig = await startRig();
    const res = await call('/payments/charges/ch_1/refunds', refund(100));
    expect(res.status).toBe(200);
    await rig.proxy.handler.settled();
    const [decision] = await evidence('decision');
    const outcomes = await evidence('action.outcome');
    expect(outcomes).toHaveLength(1);
    const data = outcomes[0]?.data ?? {};
    expect(data).toMatchObject({
      via: 'proxy',
      upstream: 'payments',
      tool: 'stripe.refund.create',
      status: 200,
    });
    expect(data.decision_event_id).toBe(res.headers.get('x-actpass-evidence-event-id'));
    expect(typeof data.duration_ms).toBe('number');
    // The agent saw the redacted body; the digest is of what the upstream sent, which held the secret.
    const upstreamBody = res.text.replace('[redacted by actpass]', SECRET);
    expect(data.response_sha256).toBe(createHash('sha256').update(upstreamBody).digest('hex'));
    expect(decision?.data.via_proxy_key_id).toBe('acme_proxy');
    expect(decision?.data.key_id).toBe('acme_agent');
  });

  it('never lets the secret into a response, a log line, a ledger event or an idempotency record', async () => {
    rig = await startRig();
    const bodies: string[] = [];
    for (const amount of [100, 90000, 20000, 200]) {
      const res = await call('/payments/charges/ch_9/refunds', refund(amount));
      const seenHeaders: string[] = [];
      res.headers.forEach((value, name) => {
        seenHeaders.push(`${name}: ${value}`);
      });
      bodies.push(res.text, ...seenHeaders);
    }
    await rig.proxy.handler.settled();
    expect(rig.upstream.seen).toHaveLength(2);
    expect(rig.logs.length).toBeGreaterThan(0);
    const ledger =
      JSON.stringify(await evidence('decision')) + JSON.stringify(await evidence('action.outcome'));
    const files = stateText(rig.dir);
    // The files hold the idempotency records of those preflights (the proxy sends an Idempotency-Key).
    expect(files).toContain('refund.small_in_scope');
    for (const [where, text] of Object.entries({
      bodies: bodies.join('\n'),
      logs: rig.logs.join('\n'),
      ledger,
      files,
    })) {
      expect(text.includes(SECRET), where).toBe(false);
    }
  });
});

describe('credential delivery', () => {
  async function preflight(headers: Record<string, string>, idempotencyKey?: string) {
    const response = await rig.gateway.fetch(
      new Request('http://gw/api/v1/actions/preflight', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
          ...headers,
        },
        body: JSON.stringify({
          goal: 'resolve_refund_request',
          tool: 'stripe.refund.create',
          args: { amount: 100 },
        }),
      }),
    );
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
      replayed: response.headers.get('idempotent-replayed'),
    };
  }

  it('leases a delivery "proxy" credential only to a proxy key acting for the agent', async () => {
    rig = await startRig({ delivery: 'proxy' });
    const direct = await preflight({ authorization: `Bearer ${KEYS.agent}` });
    expect(direct.body).toMatchObject({ decision: 'allow' });
    expect(direct.body.credential).toBeUndefined();
    const viaProxy = await preflight({
      authorization: `Bearer ${KEYS.proxy}`,
      'x-actpass-agent-key': KEYS.agent,
    });
    expect(viaProxy.body).toMatchObject({
      decision: 'allow',
      credential: { name: 'stripe_key', value: SECRET },
    });
  });

  it('leases a delivery "sdk" credential to the agent as before, and the proxy can inject it too', async () => {
    rig = await startRig({ delivery: 'sdk' });
    const direct = await preflight({ authorization: `Bearer ${KEYS.agent}` });
    expect(direct.body).toMatchObject({
      decision: 'allow',
      credential: { name: 'stripe_key', value: SECRET },
    });
    const res = await call('/payments/charges/ch_1/refunds', refund(100));
    expect(res.status).toBe(200);
    expect(rig.upstream.seen[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  it('refuses the agent-key header from a key without the proxy role, and across tenants', async () => {
    rig = await startRig();
    const asAgent = await preflight({
      authorization: `Bearer ${KEYS.agent}`,
      'x-actpass-agent-key': KEYS.agent,
    });
    expect(asAgent.status).toBe(403);
    expect(asAgent.body).toMatchObject({ error: { code: 'auth.forbidden' } });
    const foreign = await preflight({
      authorization: `Bearer ${KEYS.otherProxy}`,
      'x-actpass-agent-key': KEYS.agent,
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ error: { code: 'auth.tenant_mismatch' } });
    const alone = await preflight({ authorization: `Bearer ${KEYS.proxy}` });
    expect(alone.status).toBe(403);
  });

  it('keeps no lease in an idempotency record and leases afresh on replay', async () => {
    rig = await startRig();
    const headers = { authorization: `Bearer ${KEYS.proxy}`, 'x-actpass-agent-key': KEYS.agent };
    const first = await preflight(headers, 'idem-1');
    const second = await preflight(headers, 'idem-1');
    expect(second.replayed).toBe('true');
    expect(second.body.evidence_event_id).toBe(first.body.evidence_event_id);
    expect(second.body).toMatchObject({ credential: { name: 'stripe_key', value: SECRET } });
    const agentReplay = await preflight({ authorization: `Bearer ${KEYS.agent}` }, 'idem-2');
    expect(agentReplay.body.credential).toBeUndefined();
    expect(stateText(rig.dir)).not.toContain(SECRET);
  });
});
