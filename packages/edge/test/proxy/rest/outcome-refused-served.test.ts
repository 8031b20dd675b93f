/**
 * The REST proxy against a real gateway served on loopback (over node:http, as in production), with a
 * loopback relay in between that only forwards and notes what passes. A preflight carrying outcomes
 * that the gateway refuses with a 400 is asked again without them only when that 400 names the
 * outcomes: a gateway that lost the decisions the outcomes point to (a fresh ledger behind the same
 * address) names `body.outcomes[0].decision_event_id`, and the call goes through on the second ask; a
 * request refused for one of its own fields (a resource longer than the contract allows) is asked once
 * and fails closed with the gateway's reason. Either way the carried outcomes go by the evidence call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Gateway } from '@actpass/gateway';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayLink } from '../../../src/proxy/gateway-link.js';
import { createRestProxy, type RestProxy } from '../../../src/proxy/rest/index.js';
import { KEYS, proxyConfig, startUpstream, testGateway, type Upstream } from './helpers.js';

interface Passed {
  path: string;
  outcomes: string[];
  status: number;
  answer: string;
}

/** Forwards every request to `target.url` unchanged and notes it with the gateway's answer. */
async function startRelay(target: { url: string }) {
  const passed: Passed[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const sent = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
      const carried = (sent.outcomes as Array<{ decision_event_id: string }> | undefined) ?? [];
      const evidence = (sent.data as { decision_event_id?: string } | undefined)?.decision_event_id;
      const upstream = request(
        `${target.url}${req.url}`,
        { method: req.method, headers: req.headers },
        (answer) => {
          const back: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => back.push(chunk));
          answer.on('end', () => {
            passed.push({
              path: req.url ?? '',
              outcomes: evidence ? [evidence] : carried.map((o) => o.decision_event_id),
              status: answer.statusCode ?? 0,
              answer: Buffer.concat(back).toString('utf8'),
            });
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(back));
          });
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    passed,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

interface Served {
  gateway: Gateway;
  url: string;
  dir: string;
  close(): Promise<void>;
}

/** A gateway with the test keys and the upstream's credential, served on loopback. */
async function serveGateway(): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'actpass-proxy-served-'));
  const gateway = testGateway(dir);
  const put = await gateway.fetch(
    new Request('http://gw/api/v1/credentials/stripe_key', {
      method: 'PUT',
      headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        value: 'sk_live_SERVED_SECRET_0000',
        bound_tools: ['stripe.refund.create'],
        delivery: 'proxy',
      }),
    }),
  );
  if (put.status !== 200) throw new Error(`credential not stored: ${await put.text()}`);
  const served = await gateway.listen({ port: 0, host: '127.0.0.1' });
  return {
    gateway,
    url: served.url,
    dir,
    async close() {
      await served.close();
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function outcomesIn(gateway: Gateway): Promise<unknown[]> {
  const response = await gateway.fetch(
    new Request('http://gw/api/v1/evidence?limit=1000', {
      headers: { authorization: `Bearer ${KEYS.admin}` },
    }),
  );
  const { events } = (await response.json()) as {
    events: Array<{ type: string; data: { decision_event_id?: unknown } }>;
  };
  return events.filter((e) => e.type === 'action.outcome').map((e) => e.data.decision_event_id);
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function rig() {
  const upstream: Upstream = await startUpstream();
  cleanup.push(() => upstream.close());
  const first = await serveGateway();
  cleanup.push(() => first.close());
  const target = { url: first.url };
  const relay = await startRelay(target);
  cleanup.push(() => relay.close());
  const logs: string[] = [];
  const proxy: RestProxy = createRestProxy(proxyConfig(upstream.url), {
    gateway: { proxyKey: KEYS.proxy, baseUrl: relay.url, maxRetries: 0 },
    logger: {
      info: (message: string) => logs.push(`info ${message}`),
      warn: (message: string, fields: Record<string, unknown>) =>
        logs.push(`warn ${message} ${JSON.stringify(fields)}`),
    },
    outcomeIdleMs: 600_000,
  });
  const running = await proxy.listen({ host: '127.0.0.1', port: 0 });
  cleanup.push(() => proxy.close());
  const call = async (charge: string, amount: number) => {
    const response = await fetch(`${running.url}/payments/charges/${charge}/refunds`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.agent}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount, currency: 'usd' }),
    });
    return {
      status: response.status,
      eventId: response.headers.get('x-actpass-evidence-event-id'),
      body: (await response.json()) as Record<string, unknown>,
    };
  };
  return { upstream, first, target, relay, proxy, call, logs };
}

const preflights = (passed: Passed[]) => passed.filter((p) => p.path === '/api/v1/actions/preflight');

describe('a 400 to a preflight carrying outcomes (served gateway on loopback)', () => {
  it('names the outcomes: asked again once without them, the call goes through', async () => {
    const { upstream, target, relay, proxy, call, logs } = await rig();
    const first = await call('ch_1', 100);
    expect(first.status).toBe(200);
    // The same address now serves a gateway whose ledger never saw that decision.
    const second = await serveGateway();
    cleanup.push(() => second.close());
    target.url = second.url;
    const before = relay.passed.length;
    const next = await call('ch_2', 200);
    expect(next.status).toBe(200);
    const asked = preflights(relay.passed.slice(before));
    expect(asked.map((p) => [p.outcomes, p.status])).toEqual([
      [[first.eventId], 400],
      [[], 200],
    ]);
    expect(JSON.parse(asked[0]?.answer as string)).toMatchObject({
      error: {
        code: 'request.invalid',
        details: [{ path: 'body.outcomes[0].decision_event_id' }],
      },
    });
    expect(upstream.seen.map((seen) => JSON.parse(seen.body).amount)).toEqual([100, 200]);
    // The refused batch goes by the evidence call, one record each, as the proxy documents; the evidence
    // call binds an outcome to its decision too, so this gateway, which never made that decision, refuses
    // it there as well and the proxy logs it as lost (once). Then the new call's own outcome, recorded.
    await proxy.handler.settled();
    const evidence = relay.passed.filter((p) => p.path === '/api/v1/evidence');
    expect(evidence.map((p) => [p.outcomes, p.status])).toEqual([
      [[first.eventId], 400],
      [[next.eventId], 201],
    ]);
    expect(await outcomesIn(second.gateway)).toEqual([next.eventId]);
    const lost = logs.filter((line) => line.includes('could not record'));
    expect(lost).toHaveLength(1);
    expect(lost[0]).toContain(first.eventId as string);
  }, 30_000);

  it('names another field: asked once, the call fails closed with the gateway’s reason', async () => {
    const { upstream, first, relay, proxy, call } = await rig();
    const one = await call('ch_1', 100);
    expect(one.status).toBe(200);
    const before = relay.passed.length;
    // The route's resource is `stripe:charge:{charge}`: past the contract's 1024 characters.
    const refused = await call(`ch_${'x'.repeat(1100)}`, 200);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ blocked: true, decision: { decision: 'deny' } });
    expect(JSON.stringify(refused.body)).toMatch(/body\.resource/);
    const asked = preflights(relay.passed.slice(before));
    expect(asked.map((p) => [p.outcomes, p.status])).toEqual([[[one.eventId], 400]]);
    expect(upstream.seen).toHaveLength(1);
    // The outcome it carried is not lost: it went by the evidence call and is in the ledger.
    await proxy.handler.settled();
    expect(await outcomesIn(first.gateway)).toEqual([one.eventId]);
  }, 30_000);
});

describe('the fields a 400 named, read without taking the answer from the SDK', () => {
  /** A loopback server answering every request with this 400 body. */
  async function answering(body: string) {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(body);
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    cleanup.push(
      () =>
        new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
    );
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const input = { tool: 'stripe.refund.create', args: {}, goal: 'resolve_refund_request' };
  const error = (extra: object) =>
    JSON.stringify({
      error: {
        code: 'request.invalid',
        message: 'body.outcomes[0]: refused; leave it out.',
        details: [{ path: 'body.outcomes[0]', message: 'refused' }],
        ...extra,
      },
    });

  it('keeps the paths of a contract-shaped 400, and the SDK still reads its code and message', async () => {
    const link = new GatewayLink({
      proxyKey: KEYS.proxy,
      baseUrl: await answering(error({})),
      maxRetries: 0,
    });
    cleanup.push(async () => link.close());
    const linked = await link.decide(KEYS.agent, input);
    expect(linked.refusedFields).toEqual(['body.outcomes[0]']);
    expect(linked.decision).toMatchObject({
      decision: 'deny',
      cause: { status: 400, code: 'request.invalid' },
    });
    expect(JSON.stringify(linked.decision)).toMatch(/body\.outcomes\[0\]: refused/);
  });

  it('names nothing for an answer past its read limit or not JSON; the SDK reads the whole answer', async () => {
    for (const body of [error({ pad: 'x'.repeat(100_000) }), `not json ${'y'.repeat(10)}`]) {
      const link = new GatewayLink({ proxyKey: KEYS.proxy, baseUrl: await answering(body), maxRetries: 0 });
      cleanup.push(async () => link.close());
      const linked = await link.decide(KEYS.agent, input);
      expect(linked.refusedFields).toEqual([]);
      expect(linked.decision).toMatchObject({ decision: 'deny', cause: { status: 400 } });
    }
    const big = new GatewayLink({
      proxyKey: KEYS.proxy,
      baseUrl: await answering(error({ pad: 'x'.repeat(100_000) })),
      maxRetries: 0,
    });
    cleanup.push(async () => big.close());
    // Past the peek, the rest of the body still reaches the SDK: it parses the whole error.
    expect((await big.decide(KEYS.agent, input)).decision).toMatchObject({
      cause: { code: 'request.invalid' },
    });
  });
});
