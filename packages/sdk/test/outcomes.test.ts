import { describe, expect, it, vi } from 'vitest';
import { ActPass } from '../src/index.js';
import { OutcomeQueue } from '../src/internal/outcomes.js';
import { allowDecision, BASE_URL, evidenceEvent, REFUND } from './helpers/fixtures.js';
import { recordingSleep } from './helpers/scripted-fetch.js';

/** A gateway whose evidence endpoint answers only when the test releases it. */
function gatedGateway() {
  const outcomeBodies: string[] = [];
  const keys: string[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const gatewayFetch = (async (url: string, init: RequestInit) => {
    const headers = { 'content-type': 'application/json', 'x-request-id': 'req_o' };
    if (String(url).endsWith('/actions/preflight')) {
      return new Response(JSON.stringify(allowDecision()), { status: 200, headers });
    }
    keys.push(new Headers(init.headers).get('idempotency-key') ?? '');
    await gate;
    outcomeBodies.push(String(init.body));
    return new Response(JSON.stringify(evidenceEvent({})), { status: 201, headers });
  }) as unknown as typeof globalThis.fetch;
  return { fetch: gatewayFetch, outcomeBodies, keys, release: () => release() };
}

const quiet = () => ({ warn: vi.fn(), info: vi.fn(), debug: vi.fn(), error: vi.fn() });

describe('outcome records in the background', () => {
  it('guard() returns when execute returns; flush() waits for the record', async () => {
    const gw = gatedGateway();
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch: gw.fetch, logger: quiet() });
    const out = await client.guard({ ...REFUND, execute: () => 'done' });
    expect(out).toMatchObject({ executed: true, result: 'done' });
    expect(gw.outcomeBodies).toHaveLength(0); // still held by the gateway, and guard() already returned
    const flushed = client.flush();
    gw.release();
    await flushed;
    expect(gw.outcomeBodies).toHaveLength(1);
    expect(JSON.parse(gw.outcomeBodies[0] ?? '{}')).toMatchObject({ type: 'action.outcome' });
  });

  it('awaitOutcome: true waits for the record inside guard()', async () => {
    const gw = gatedGateway();
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch: gw.fetch, logger: quiet() });
    let returned = false;
    const call = client.guard({ ...REFUND, execute: () => 'done', awaitOutcome: true }).then(() => {
      returned = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(returned).toBe(false);
    gw.release();
    await call;
    expect(gw.outcomeBodies).toHaveLength(1);
  });

  it('retries a record with one idempotency key, and await using drains the queue', async () => {
    let attempts = 0;
    const keys: string[] = [];
    const fetch = (async (url: string, init: RequestInit) => {
      const headers = { 'content-type': 'application/json' };
      if (String(url).endsWith('/actions/preflight')) {
        return new Response(JSON.stringify(allowDecision()), { status: 200, headers });
      }
      keys.push(new Headers(init.headers).get('idempotency-key') ?? '');
      attempts++;
      if (attempts < 3) return new Response('busy', { status: 503 });
      return new Response(JSON.stringify(evidenceEvent({})), { status: 201, headers });
    }) as unknown as typeof globalThis.fetch;
    {
      await using client = new ActPass({
        apiKey: 'k',
        baseUrl: BASE_URL,
        fetch,
        sleep: recordingSleep().sleep,
        logger: quiet(),
      });
      await client.guard({ ...REFUND, execute: () => 'done' });
    }
    expect(attempts).toBe(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^idem_/);
  });

  it('a full queue drops the newest record and logs its evidence id', async () => {
    const log = { ...quiet(), warn: vi.fn() } as const;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const queue = new OutcomeQueue(log as never, 2, 1);
    const sent: string[] = [];
    const record = (id: string) => ({
      evidenceEventId: id,
      send: async () => {
        await held;
        sent.push(id);
      },
    });
    expect(queue.push(record('ev_1'))).toBe(true); // in flight
    expect(queue.push(record('ev_2'))).toBe(true); // waiting
    expect(queue.push(record('ev_3'))).toBe(true); // waiting (limit 2)
    expect(queue.push(record('ev_4'))).toBe(false);
    expect(log.warn).toHaveBeenCalledWith(
      expect.stringMatching(/dropped/),
      expect.objectContaining({ evidence_event_id: 'ev_4' }),
    );
    release();
    await queue.flush();
    expect(sent).toEqual(['ev_1', 'ev_2', 'ev_3']);
  });

  it('a record that finally fails is logged with its evidence id', async () => {
    const log = quiet();
    const queue = new OutcomeQueue(log as never, 10, 2);
    queue.push({ evidenceEventId: 'ev_9', send: () => Promise.reject(new Error('HTTP 403 auth.forbidden')) });
    await queue.flush();
    expect(log.warn).toHaveBeenCalledWith(
      expect.stringMatching(/dropped/),
      expect.objectContaining({ evidence_event_id: 'ev_9', error: 'HTTP 403 auth.forbidden' }),
    );
  });

  it('withOptions() copies the client with overrides and shares its outcome queue', async () => {
    const gw = gatedGateway();
    const base = new ActPass({
      apiKey: 'k',
      baseUrl: BASE_URL,
      fetch: gw.fetch,
      logger: quiet(),
      mode: 'warn',
    });
    const copy = base.withOptions({ mode: 'monitor', timeoutMs: 1_000 });
    expect(copy).not.toBe(base);
    expect(copy._internals.mode).toBe('monitor');
    expect(base._internals.mode).toBe('warn');
    await copy.guard({ ...REFUND, execute: () => 'done' });
    const flushed = base.flush();
    gw.release();
    await flushed;
    expect(gw.outcomeBodies).toHaveLength(1);
  });
});
