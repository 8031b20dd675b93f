/**
 * One gateway round trip per proxied call: each call's outcome waits under its agent key and rides on
 * that key's next preflight (recorded as `action.outcome` just before the new decision), or goes by the
 * evidence call when no preflight comes soon, when the proxy settles, or when a preflight could not
 * deliver it. No outcome is lost on the way, and none is recorded twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { KEYS, type Rig, startRig } from './helpers.js';

let rig: Rig;
afterEach(async () => {
  await rig?.close();
});

interface LedgerEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/** A gateway link that counts what it asks the real gateway, and can refuse a preflight with outcomes. */
function countingGateway() {
  const asked: Array<{ path: string; outcomes: number }> = [];
  let target: typeof fetch = () => Promise.reject(new Error('no gateway yet'));
  let failNextCarrying: { status: number; error: object } | null = null;
  const gatewayFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    const text = request.method === 'POST' ? await request.clone().text() : '';
    const outcomes = text ? ((JSON.parse(text) as { outcomes?: unknown[] }).outcomes?.length ?? 0) : 0;
    asked.push({ path, outcomes });
    if (outcomes > 0 && failNextCarrying !== null) {
      const { status, error } = failNextCarrying;
      failNextCarrying = null;
      return new Response(JSON.stringify({ error }), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    }
    return target(request);
  }) as typeof fetch;
  return {
    asked,
    gatewayFetch,
    bind: (fetchImpl: typeof fetch) => {
      target = fetchImpl;
    },
    failNextCarrying: (status: number, error: object = { code: 'ledger.unavailable', message: 'down' }) => {
      failNextCarrying = { status, error };
    },
  };
}

async function call(amount: number) {
  const response = await fetch(`${rig.url}/payments/charges/ch_1/refunds`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.agent}`, 'content-type': 'application/json' },
    body: JSON.stringify({ amount, currency: 'usd' }),
  });
  await response.arrayBuffer();
  return { status: response.status, eventId: response.headers.get('x-actpass-evidence-event-id') };
}

async function ledger(): Promise<LedgerEvent[]> {
  const response = await rig.gateway.fetch(
    new Request('http://gw/api/v1/evidence?limit=1000', {
      headers: { authorization: `Bearer ${KEYS.admin}` },
    }),
  );
  return ((await response.json()) as { events: LedgerEvent[] }).events;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error('not before the deadline');
}

describe('outcomes ride on the next preflight', () => {
  it('makes one gateway request per call, and records each outcome just before the next decision', async () => {
    const gateway = countingGateway();
    rig = await startRig({ gatewayFetch: gateway.gatewayFetch, outcomeIdleMs: 600_000 });
    gateway.bind(rig.gateway.fetch);
    const calls: Array<{ status: number; eventId: string | null }> = [];
    for (const amount of [100, 200, 300]) calls.push(await call(amount));
    expect(calls.map((c) => c.status)).toEqual([200, 200, 200]);
    const afterAdmission = gateway.asked.filter((a) => a.path !== '/api/v1/whoami');
    // Three preflights and no evidence request: the first two outcomes rode on the next preflight.
    expect(afterAdmission.map((a) => [a.path, a.outcomes])).toEqual([
      ['/api/v1/actions/preflight', 0],
      ['/api/v1/actions/preflight', 1],
      ['/api/v1/actions/preflight', 1],
    ]);
    const events = (await ledger()).filter((e) => e.type === 'decision' || e.type === 'action.outcome');
    expect(events.map((e) => e.type)).toEqual([
      'decision',
      'action.outcome',
      'decision',
      'action.outcome',
      'decision',
    ]);
    expect(events[1]?.data.decision_event_id).toBe(calls[0]?.eventId);
    expect(events[3]?.data.decision_event_id).toBe(calls[1]?.eventId);
    expect(events[1]?.data).toMatchObject({ via: 'proxy', upstream: 'payments', status: 200 });
    expect(events[1]?.data.written_by).toMatchObject({ key_id: 'acme_agent' });

    // The last one waits for a preflight that does not come: settling sends it by the evidence call.
    await rig.proxy.handler.settled();
    expect(gateway.asked.at(-1)?.path).toBe('/api/v1/evidence');
    const outcomes = (await ledger()).filter((e) => e.type === 'action.outcome');
    expect(outcomes.map((e) => e.data.decision_event_id)).toEqual(calls.map((c) => c.eventId));
  });

  it('sends an outcome no preflight picks up by the evidence call after the idle delay', async () => {
    rig = await startRig({ outcomeIdleMs: 20 });
    const only = await call(100);
    expect(only.status).toBe(200);
    // No settle, no further call: the idle delay alone sends it.
    await until(async () => (await ledger()).some((e) => e.data.decision_event_id === only.eventId));
  });

  it('sends what a preflight could not deliver by the evidence call, once', async () => {
    const gateway = countingGateway();
    rig = await startRig({ gatewayFetch: gateway.gatewayFetch, outcomeIdleMs: 600_000 });
    gateway.bind(rig.gateway.fetch);
    const first = await call(100);
    gateway.failNextCarrying(503);
    const second = await call(200);
    expect(second.status).toBe(503); // no decision: fail closed, nothing forwarded
    gateway.failNextCarrying(400);
    const third = await call(300); // nothing waits now: decided as usual
    expect(third.status).toBe(200);
    await rig.proxy.handler.settled();
    const outcomes = (await ledger()).filter((e) => e.type === 'action.outcome');
    expect(outcomes.map((e) => e.data.decision_event_id)).toEqual([first.eventId, third.eventId]);
    expect(rig.upstream.seen).toHaveLength(2);
  });

  it('asks again without the outcomes when the gateway refuses them, and records them by evidence', async () => {
    const gateway = countingGateway();
    rig = await startRig({ gatewayFetch: gateway.gatewayFetch, outcomeIdleMs: 600_000 });
    gateway.bind(rig.gateway.fetch);
    const first = await call(100);
    const path = 'body.outcomes[0].decision_event_id';
    gateway.failNextCarrying(400, {
      code: 'request.invalid',
      message: `${path}: names no decision made for this key; send the evidence_event_id of a decision this key was given.`,
      details: [{ path, message: 'names no decision made for this key' }],
    });
    const second = await call(200);
    expect(second.status).toBe(200);
    await rig.proxy.handler.settled();
    const outcomes = (await ledger()).filter((e) => e.type === 'action.outcome');
    expect(outcomes.map((e) => e.data.decision_event_id).sort()).toEqual(
      [first.eventId, second.eventId].sort(),
    );
  });

  it('does not ask again when the 400 names anything but the outcomes: the call fails closed, asked once', async () => {
    const gateway = countingGateway();
    rig = await startRig({ gatewayFetch: gateway.gatewayFetch, outcomeIdleMs: 600_000 });
    gateway.bind(rig.gateway.fetch);
    const first = await call(100);
    for (const details of [
      undefined,
      [{ path: 'body.resource', message: 'must NOT have more than 1024 characters' }],
      [
        { path: 'body.outcomes[0]', message: 'unknown field' },
        { path: 'body.args.amount', message: 'must be integer' },
      ],
      [{ path: 'body.outcomesx', message: 'unknown field' }],
    ]) {
      const before = gateway.asked.length;
      gateway.failNextCarrying(400, {
        code: 'request.invalid',
        message: 'refused',
        ...(details ? { details } : {}),
      });
      const refused = await call(200);
      expect(refused.status).toBe(403);
      expect(gateway.asked.slice(before).filter((a) => a.path === '/api/v1/actions/preflight')).toHaveLength(
        1,
      );
      // The next call carries nothing: the refused batch went by the evidence call.
      expect(await call(300)).toMatchObject({ status: 200 });
    }
    expect(rig.upstream.seen.map((seen) => JSON.parse(seen.body).amount)).toEqual([100, 300, 300, 300, 300]);
    await rig.proxy.handler.settled();
    const outcomes = (await ledger()).filter((e) => e.type === 'action.outcome');
    expect(outcomes.map((e) => e.data.decision_event_id)).toContain(first.eventId);
  });
});
