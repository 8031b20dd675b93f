/**
 * Authentication before routing, rate limits, and what a refusal leaves behind. The agent's key is
 * checked with the (in-process) gateway before anything about upstreams or routes is said; a key the
 * gateway refused is remembered, and keys the proxy does not know are paid from the client's failed-auth
 * budget, so made-up bearer strings stop reaching the gateway after a burst. Each agent key has its own
 * token bucket. Refused targets are logged at warn, counted and recorded as evidence.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { evidenceOf, KEYS, proxyConfig, type Rig, rawRequest, startRig } from './helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** Counts the gateway calls that check an agent key (the proxy's whoami with the agent-key header). */
function countingGateway(
  counter: { agentChecks: number; all: number },
  target: () => typeof fetch,
): typeof fetch {
  return async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const headers = new Headers(init?.headers);
    counter.all += 1;
    if (url.endsWith('/whoami') && headers.has('x-actpass-agent-key')) counter.agentChecks += 1;
    return target()(input, init);
  };
}

function limited(limits: Record<string, unknown>) {
  return (url: string) => ({ ...proxyConfig(url), rate_limits: limits });
}

function send(port: number, line: string, key: string | null) {
  const head = [line, `host: 127.0.0.1:${port}`, ...(key === null ? [] : [`authorization: Bearer ${key}`])];
  return rawRequest(port, head.join('\n'));
}

describe('authentication before routing', () => {
  const targets = [
    'GET /payments/refunds/r_1?amount=1 HTTP/1.1',
    'GET /internal-admin/users HTTP/1.1',
    'DELETE /payments/customers/cus_1 HTTP/1.1',
    'DELETE /payments/refunds/r_1 HTTP/1.1',
    'GET /payments/refunds/../redirect HTTP/1.1',
    'TRACE /payments/refunds/r_1 HTTP/1.1',
  ];

  it('answers 401 with the same body whatever the path or method, until the key is accepted', async () => {
    rig = await startRig();
    const port = rig.port;
    for (const key of [null, 'ak_made_up_0000000000', 'not even a key shape']) {
      const bodies = new Set<string>();
      for (const line of targets) {
        const res = await send(port, line, key);
        expect(res.status, `${line} with ${key}`).toBe(401);
        bodies.add(res.body);
      }
      expect(bodies.size).toBe(1);
    }
    // The same targets with an accepted key: now the routing answers may differ.
    const statuses = [];
    for (const line of targets) statuses.push((await send(port, line, KEYS.agent)).status);
    expect(statuses).toEqual([200, 404, 404, 405, 400, 400]);
    expect(rig.upstream.seen).toHaveLength(1);
  });

  it('remembers a refused key: one gateway round trip for repeated tries', async () => {
    const counter = { agentChecks: 0, all: 0 };
    let gatewayFetch: typeof fetch = fetch;
    rig = await startRig({ gatewayFetch: countingGateway(counter, () => gatewayFetch) });
    gatewayFetch = rig.gateway.fetch as typeof fetch;
    for (let i = 0; i < 8; i++) {
      expect((await send(rig.port, targets[0] as string, 'ak_made_up_0000000000')).status).toBe(401);
    }
    expect(counter.agentChecks).toBe(1);
    expect(rig.proxy.stats().gatewayKeyChecks).toBe(1);
    expect(rig.proxy.stats().unauthenticated).toBe(8);
    // An accepted key is remembered too: one check for many calls.
    for (let i = 0; i < 3; i++)
      expect((await send(rig.port, targets[0] as string, KEYS.agent)).status).toBe(200);
    expect(counter.agentChecks).toBe(2);
  });

  it('made-up keys from one client get 429 after the failed-auth burst, without a gateway round trip', async () => {
    const counter = { agentChecks: 0, all: 0 };
    let gatewayFetch: typeof fetch = fetch;
    rig = await startRig({
      gatewayFetch: countingGateway(counter, () => gatewayFetch),
      config: limited({ failed_auth_per_client: { per_minute: 1, burst: 3 } }),
    });
    gatewayFetch = rig.gateway.fetch as typeof fetch;
    // A known-good key used before the flood keeps working through it.
    expect((await send(rig.port, targets[0] as string, KEYS.agent)).status).toBe(200);
    const statuses: number[] = [];
    let retryAfter = '';
    for (let i = 0; i < 12; i++) {
      const res = await send(rig.port, targets[0] as string, `ak_guess_${i}_000000000000`);
      statuses.push(res.status);
      if (res.status === 429) retryAfter = /^retry-after: (\d+)$/im.exec(res.head)?.[1] ?? '';
    }
    expect(statuses).toEqual([401, 401, 401, ...Array(9).fill(429)]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(counter.agentChecks).toBe(1 + 3);
    expect((await send(rig.port, targets[0] as string, KEYS.agent)).status).toBe(200);
    expect(rig.proxy.stats()).toMatchObject({ unauthenticated: 3, rateLimited: 9 });
  });

  it('through the fetch handler, the budget is kept per clientAddress the embedder gives', async () => {
    rig = await startRig({ config: limited({ failed_auth_per_client: { per_minute: 1, burst: 2 } }) });
    const guess = (i: number, clientAddress?: string) =>
      rig?.proxy
        .fetch(
          new Request(`http://127.0.0.1:${rig.port}/payments/refunds/r_1?amount=1`, {
            headers: { authorization: `Bearer ak_fetch_guess_${i}_0000000` },
          }),
          clientAddress === undefined ? undefined : { clientAddress },
        )
        .then((response) => response.status);
    expect([await guess(1, '10.0.0.1'), await guess(2, '10.0.0.1'), await guess(3, '10.0.0.1')]).toEqual([
      401, 401, 429,
    ]);
    expect(await guess(4, '10.0.0.2')).toBe(401);
    expect(await guess(5, '::ffff:10.0.0.1')).toBe(429);
  });

  it("a proxy key the gateway refuses is 503, never taken as every agent's key being wrong", async () => {
    rig = await startRig({ proxyKey: 'ak_not_the_proxy_key_000' });
    for (const key of [KEYS.agent, KEYS.agent]) {
      const res = await send(rig.port, targets[0] as string, key);
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'proxy.gateway_unavailable' } });
    }
    expect(rig.proxy.stats().gatewayKeyChecks).toBe(2);
    expect(rig.upstream.seen).toHaveLength(0);
  });
});

describe('per-key rate limit', () => {
  it('answers 429 with Retry-After once the key has used its burst, and forwards nothing more', async () => {
    rig = await startRig({ config: limited({ per_agent_key: { per_minute: 1, burst: 2 } }) });
    const statuses: number[] = [];
    let last = { status: 0, head: '', body: '' };
    for (let i = 0; i < 4; i++) {
      last = await send(rig.port, 'GET /payments/refunds/r_1?amount=1 HTTP/1.1', KEYS.agent);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(JSON.parse(last.body)).toMatchObject({ blocked: true, error: { code: 'proxy.rate_limited' } });
    expect(Number(/^retry-after: (\d+)$/im.exec(last.head)?.[1])).toBeGreaterThanOrEqual(1);
    expect(rig.upstream.seen).toHaveLength(2);
    expect(rig.proxy.stats().rateLimited).toBe(2);
  });
});

describe('refused targets leave a trace', () => {
  it('logs each at warn, counts it and records proxy.request_refused evidence as the agent', async () => {
    rig = await startRig();
    const refused = [
      ['GET /payments/refunds/../redirect?token=sk_agent_private_1 HTTP/1.1', 'proxy.bad_target'],
      ['GET /payments/refunds/%2e%2e/redirect HTTP/1.1', 'proxy.bad_target'],
      ['GET /payments/refunds/r%0d%0aSet-Cookie:x HTTP/1.1', 'proxy.bad_target'],
      ['GET http://169.254.169.254/latest/meta-data HTTP/1.1', 'proxy.bad_target'],
      ['GET /internal-admin/users HTTP/1.1', 'proxy.no_route'],
    ] as const;
    for (const [line, code] of refused) {
      const res = await send(rig.port, line, KEYS.agent);
      expect(JSON.parse(res.body).error.code, line).toBe(code);
    }
    await rig.proxy.handler.settled();
    expect(rig.upstream.seen).toHaveLength(0);
    expect(rig.proxy.stats()).toMatchObject({
      refused: 5,
      byCode: { 'proxy.bad_target': 4, 'proxy.no_route': 1 },
    });
    const warnings = rig.logs.filter((line) => line.startsWith('warn proxy refused a request'));
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toContain('"path":"/payments/refunds/../redirect"');
    expect(warnings[0]).toContain('"key_id":"acme_agent"');
    expect(warnings[0]).toMatch(/"client":"(::ffff:)?127\.0\.0\.1"/);
    const events = await evidenceOf(rig.gateway, 'proxy.request_refused');
    expect(events.map((event) => event.data.code)).toEqual([...refused.map(([, code]) => code)]);
    expect(events[0]?.data).toMatchObject({ via: 'proxy', status: 400, method: 'GET', key_id: 'acme_agent' });
    expect(events[0]?.data.query_sha256).toMatch(/^[0-9a-f]{64}$/);
    // The query (where a secret would travel) is kept as a digest only, in the log and the ledger.
    const everything = rig.logs.join('\n') + JSON.stringify(events);
    expect(everything).not.toContain('sk_agent_private_1');
    expect(events[4]?.data).toMatchObject({ code: 'proxy.no_route', path: '/internal-admin/users' });
  });

  it('an unaccepted key leaves a log line and a count, but writes nothing to the ledger', async () => {
    rig = await startRig();
    await send(rig.port, 'GET /payments/refunds/../x HTTP/1.1', 'ak_made_up_0000000000');
    await rig.proxy.handler.settled();
    expect(rig.logs.filter((line) => line.includes('"code":"auth.invalid_key"'))).toHaveLength(1);
    expect(await evidenceOf(rig.gateway, 'proxy.request_refused')).toHaveLength(0);
  });
});
