import { describe, expect, it, vi } from 'vitest';
import {
  ActPass,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  InternalServerError,
  InvalidResponseError,
} from '../../src/index.js';
import { allowDecision, BASE_URL, REFUND } from '../helpers/fixtures.js';
import { recordingSleep, scriptedFetch } from '../helpers/scripted-fetch.js';

const ok = (id = 'req_ok') => ({ status: 200, headers: { 'x-request-id': id }, json: allowDecision() });
const tools = { status: 200, headers: { 'x-request-id': 'req_t' }, json: { items: [] } };

describe('request loop', () => {
  it('uses one Idempotency-Key per logical call, reused on every retry, fresh for the next call', async () => {
    const { fetch, requests } = scriptedFetch([{ status: 503 }, { fault: 'connection_refused' }, ok(), ok()]);
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch, sleep: recordingSleep().sleep });
    await client.preflight(REFUND);
    await client.preflight(REFUND);
    const keys = requests.map((r) => r.headers.get('idempotency-key'));
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).toBe(keys[0]);
    expect(keys[3]).not.toBe(keys[0]);
  });

  it('sends a caller-given idempotency key', async () => {
    const { fetch, requests } = scriptedFetch([ok()]);
    await new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch }).preflight(REFUND, {
      idempotencyKey: 'mine-1',
    });
    expect(requests[0]?.headers.get('idempotency-key')).toBe('mine-1');
  });

  it('retries GETs too, and throws the status subclass after the last attempt', async () => {
    const { fetch, requests } = scriptedFetch([
      { status: 500 },
      { status: 502 },
      { status: 504, headers: { 'x-request-id': 'req_last' } },
    ]);
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch, sleep: recordingSleep().sleep });
    const error = await client.tools.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 504, requestId: 'req_last' });
    expect(requests).toHaveLength(3);
  });

  it('honours maxRetries from the client and per call', async () => {
    const script = [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }];
    const a = scriptedFetch(script);
    const client = new ActPass({
      apiKey: 'k',
      baseUrl: BASE_URL,
      fetch: a.fetch,
      sleep: recordingSleep().sleep,
      maxRetries: 0,
    });
    await expect(client.tools.list()).rejects.toBeInstanceOf(InternalServerError);
    expect(a.requests).toHaveLength(1);
    await expect(client.tools.list({ maxRetries: 3 })).rejects.toBeInstanceOf(InternalServerError);
    expect(a.requests).toHaveLength(5);
  });

  it('throws APIConnectionError with the cause code for non-decision calls', async () => {
    const { fetch } = scriptedFetch([{ fault: 'dns' }, { fault: 'dns' }, { fault: 'dns' }]);
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch, sleep: recordingSleep().sleep });
    const error = await client.tools.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).not.toBeInstanceOf(APIConnectionTimeoutError);
    expect((error as Error).message).toContain('ENOTFOUND');
  });

  it('times out each attempt with a fresh signal, even when the fetch ignores its signal', async () => {
    const signals: AbortSignal[] = [];
    const hanging = ((_url: string, init: RequestInit) => {
      signals.push(init.signal as AbortSignal);
      return new Promise<Response>(() => {});
    }) as unknown as typeof fetch;
    const client = new ActPass({
      apiKey: 'k',
      baseUrl: BASE_URL,
      fetch: hanging,
      timeoutMs: 20,
      sleep: recordingSleep().sleep,
    });
    const error = await client.tools.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(signals).toHaveLength(3);
    expect(new Set(signals).size).toBe(3);
    expect(signals.every((s) => s.aborted)).toBe(true);
    const decision = await client.preflight(REFUND);
    expect(decision).toMatchObject({ decision: 'deny', reason_code: 'client.timeout', source: 'client' });
  });

  it("stops at once when the caller's signal aborts, without retrying", async () => {
    const controller = new AbortController();
    const { fetch, requests } = scriptedFetch([{ status: 503 }, { status: 503 }, { status: 503 }]);
    const sleep = vi.fn(async () => controller.abort());
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch, sleep });
    const error = await client.tools.list({ signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(requests).toHaveLength(1);
    const decision = await client.preflight(REFUND, { signal: controller.signal });
    expect(decision).toMatchObject({ decision: 'deny', source: 'client', reason_code: 'client.unreachable' });
    expect(decision.explain.summary).toMatch(/caller's signal/);
  });

  it('exposes the request id and raw response as non-enumerable properties', async () => {
    const { fetch } = scriptedFetch([tools]);
    const list = await new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch }).tools.list();
    expect(list._requestId).toBe('req_t');
    expect(list._response?.status).toBe(200);
    expect(Object.keys(list)).toEqual(['items']);
    expect(JSON.stringify(list)).toBe('{"items":[]}');
  });

  it('keeps unknown response fields readable', async () => {
    const { fetch } = scriptedFetch([{ status: 200, json: { items: [], next_cursor: 'abc' } }]);
    const list = await new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch }).tools.list();
    expect(list).toEqual({ items: [], next_cursor: 'abc' });
  });
});

describe('response limits', () => {
  it('stops reading an endless 2xx body at the cap and answers client.invalid_response', async () => {
    let pulls = 0;
    const endless = (async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            pulls++;
            controller.enqueue(new Uint8Array(16 * 1024).fill(0x20));
          },
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      )) as unknown as typeof fetch;
    const client = new ActPass({
      apiKey: 'k',
      baseUrl: BASE_URL,
      fetch: endless,
      maxResponseBytes: 64 * 1024,
    });
    const decision = await client.preflight(REFUND);
    expect(decision).toMatchObject({
      decision: 'deny',
      reason_code: 'client.invalid_response',
      source: 'client',
    });
    expect(decision).toMatchObject({ cause: { kind: 'too_large', status: 200 } });
    // 64 KiB cap in 16 KiB chunks: the fifth chunk crosses it; a stream may pre-pull one more.
    expect(pulls).toBeLessThanOrEqual(7);
  });

  it('refuses a declared content-length above the cap without reading the body', async () => {
    let pulled = false;
    const big = (async () =>
      new Response(
        new ReadableStream<Uint8Array>(
          {
            pull(controller) {
              pulled = true;
              controller.close();
            },
          },
          { highWaterMark: 0 },
        ),
        { status: 200, headers: { 'content-type': 'application/json', 'content-length': '20000000' } },
      )) as unknown as typeof fetch;
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch: big });
    const error = await client.tools.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ kind: 'too_large' });
    expect(pulled).toBe(false);
  });

  it('applies per-call deadlineMs and maxResponseBytes over the client defaults', async () => {
    const { fetch, requests } = scriptedFetch([{ status: 503 }, { status: 503 }]);
    const clock = { t: 0 };
    const client = new ActPass({
      apiKey: 'k',
      baseUrl: BASE_URL,
      fetch,
      now: () => clock.t,
      sleep: async (ms) => {
        clock.t += ms;
      },
      random: () => 0,
    });
    const decision = await client.preflight(REFUND, { deadlineMs: 400 });
    expect(requests).toHaveLength(1);
    expect(decision).toMatchObject({ reason_code: 'client.timeout', cause: { kind: 'deadline' } });
    expect(decision.explain.summary).toContain('400 ms deadline');
  });

  it('refuses a non-positive deadline as client.misconfigured naming the option', async () => {
    const { fetch, requests } = scriptedFetch([]);
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch, deadlineMs: 0 });
    const decision = await client.preflight(REFUND);
    expect(requests).toHaveLength(0);
    expect(decision).toMatchObject({ reason_code: 'client.misconfigured', cause: { kind: 'configuration' } });
    expect(decision.explain.next_steps.join(' ')).toContain('deadlineMs');
  });
});
