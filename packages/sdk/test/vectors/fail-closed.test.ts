import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ActPass, isClientDecision, type Mode } from '../../src/index.js';
import { BASE_URL, REFUND } from '../helpers/fixtures.js';
import { type RecordedRequest, recordingSleep, type ScriptedResponse, scriptedFetch } from '../helpers/scripted-fetch.js';
import { loadVectors } from './load-vectors.js';

type VectorResponse =
  | ScriptedResponse
  | { fault: 'hang' }
  | {
      status: number;
      headers?: Record<string, string>;
      body?: string;
      pad_to_bytes?: number;
      content_encoding?: 'gzip';
      elapsed_ms?: number;
    };

interface FailClosedCase {
  name: string;
  client: {
    api_key: string | null;
    base_url?: string;
    base_url_suffix?: string;
    max_response_bytes?: number;
    deadline_ms?: number;
    timeout_ms?: number;
  };
  random: number;
  action_omit?: string[];
  responses: VectorResponse[];
  expect: {
    cause?: { kind: string; status?: number; code?: string };
    next_step_names?: string;
    decision: string;
    reason_code?: string;
    source: 'client' | 'gateway';
    attempts: number;
    same_idempotency_key?: boolean;
    waits_ms?: number[];
    request_id?: string;
    executes_in_enforce: boolean;
  };
}

const files = loadVectors<{ description: string; cases: FailClosedCase[] }>('fail-closed');
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.unstubAllEnvs();
});
afterAll(() => server.close());

// Captured before msw patches the global: real-server cases use the runtime's own fetch (which
// decompresses gzip, as a user's would).
const realFetch = globalThis.fetch;

/** How each SDK option is spelled in this language, for `expect.next_step_names`. */
const SPELLING: Record<string, string> = { api_key: 'apiKey', tenant_id: 'tenantId', base_url: 'baseUrl' };

/** The exact bytes a step serves: its body padded with JSON whitespace to `pad_to_bytes`. */
function bodyOf(step: { body?: string; pad_to_bytes?: number }): Buffer {
  const body = Buffer.from(step.body ?? '', 'utf8');
  const pad = (step.pad_to_bytes ?? 0) - body.length;
  return pad > 0 ? Buffer.concat([body, Buffer.alloc(pad, 0x20)]) : body;
}

/** Cases that need real HTTP (gzip, a hung socket) are served by a loopback server. */
function needsRealServer(c: FailClosedCase): boolean {
  return c.responses.some((r) => ('fault' in r && r.fault === 'hang') || ('content_encoding' in r && r.content_encoding));
}

interface Transport {
  fetch?: typeof fetch;
  requests: RecordedRequest[];
  baseUrl: string;
  close?: () => Promise<void>;
}

async function realServer(c: FailClosedCase, clock: { offset: number }): Promise<Transport> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        url: req.url ?? '',
        method: req.method ?? '',
        headers: new Headers(req.headers as Record<string, string>),
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const step = c.responses[requests.length - 1];
      if (!step || ('fault' in step && step.fault === 'hang')) return; // never answers
      if ('fault' in step) throw new Error(`fault ${step.fault} needs the scripted fetch`);
      clock.offset += 'elapsed_ms' in step ? (step.elapsed_ms ?? 0) : 0;
      let body = bodyOf(step);
      const headers: Record<string, string> = { ...(step.headers ?? {}) };
      if ('content_encoding' in step && step.content_encoding === 'gzip') {
        body = gzipSync(body);
        headers['content-encoding'] = 'gzip';
      }
      res.writeHead(step.status, { ...headers, 'content-length': String(body.length) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    fetch: realFetch,
    requests,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** HTTP-only scripts go through msw and the real global fetch; scripts with faults use the fake fetch. */
async function transportFor(c: FailClosedCase, clock: { offset: number }): Promise<Transport> {
  if (needsRealServer(c)) return realServer(c, clock);
  if (c.responses.some((r) => 'fault' in r)) {
    return { ...scriptedFetch(c.responses as ScriptedResponse[]), baseUrl: BASE_URL };
  }
  const requests: RecordedRequest[] = [];
  server.use(
    http.post(`${BASE_URL}/api/v1/actions/preflight`, async ({ request }) => {
      requests.push({
        url: request.url,
        method: request.method,
        headers: request.headers,
        body: await request.text(),
      });
      const step = c.responses[requests.length - 1];
      if (!step || 'fault' in step) return HttpResponse.text(`unscripted attempt ${requests.length}`, { status: 599 });
      if ('elapsed_ms' in step) clock.offset += step.elapsed_ms ?? 0;
      const body = 'json' in step && step.json !== undefined ? JSON.stringify(step.json) : bodyOf(step);
      return new HttpResponse(body, { status: step.status, headers: step.headers });
    }),
  );
  return { requests, baseUrl: BASE_URL };
}

async function runCase(c: FailClosedCase, mode: Mode) {
  vi.stubEnv('ACTPASS_API_KEY', '');
  // The client's clock: real time plus every injected wait and scripted attempt duration.
  const clock = { offset: 0 };
  const transport = await transportFor(c, clock);
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
    clock.offset += ms;
  };
  try {
    const client = new ActPass({
      apiKey: c.client.api_key ?? undefined,
      baseUrl: c.client.base_url ?? `${transport.baseUrl}${c.client.base_url_suffix ?? ''}`,
      fetch: transport.fetch,
      sleep,
      random: () => c.random,
      now: () => Date.now() + clock.offset,
      maxResponseBytes: c.client.max_response_bytes,
      deadlineMs: c.client.deadline_ms,
      timeoutMs: c.client.timeout_ms,
      logger: {},
    });
    const action: Record<string, unknown> = { ...REFUND };
    for (const field of c.action_omit ?? []) delete action[field];
    const execute = vi.fn(async () => 'done');
    const out = await client.guard({ ...(action as typeof REFUND), mode, execute, recordOutcome: false });
    return { out, execute, requests: transport.requests, waits };
  } finally {
    await transport.close?.();
  }
}

describe('fail-closed matrix', () => {
  it('has vectors to run', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  for (const { file, data } of files) {
    describe(file, () => {
      for (const c of data.cases) {
        it(`${c.name} — enforce`, async () => {
          const { out, execute, requests, waits } = await runCase(c, 'enforce');
          const e = c.expect;
          expect(out.decision.decision).toBe(e.decision);
          if (e.reason_code) expect(out.decision.reason_code).toBe(e.reason_code);
          expect(out.decision.source).toBe(e.source);
          expect(requests).toHaveLength(e.attempts);
          if (e.waits_ms) expect(waits).toEqual(e.waits_ms);
          if (e.request_id) expect(out.decision._requestId ?? out.decision.request_id).toBe(e.request_id);
          if (e.same_idempotency_key && requests.length > 0) {
            const keys = new Set(requests.map((r) => r.headers.get('idempotency-key')));
            expect(keys.size).toBe(1);
            expect([...keys][0]).toMatch(/^idem_/);
          }
          expect(execute).toHaveBeenCalledTimes(e.executes_in_enforce ? 1 : 0);
          expect(out.executed).toBe(e.executes_in_enforce);
          if (e.cause) {
            const cause = isClientDecision(out.decision) ? out.decision.cause : undefined;
            expect(cause).toMatchObject(e.cause);
            expect(cause?.message).toBeTypeOf('string');
            if (e.cause.status === undefined) expect(cause?.status).toBeUndefined();
            if (e.cause.code === undefined) expect(cause?.code).toBeUndefined();
          }
          if (e.next_step_names) {
            const name = SPELLING[e.next_step_names] ?? e.next_step_names;
            expect(out.decision.explain.next_steps.join(' ')).toContain(name);
          }
          if (e.source === 'client') {
            expect(out.decision.enforced).toBe(true);
            expect(out.decision.explain.summary).toMatch(/blocked \(fail closed\)/);
          }
        });

        it(`${c.name} — monitor`, async () => {
          const { out, execute, requests } = await runCase(c, 'monitor');
          expect(execute).toHaveBeenCalledTimes(1);
          expect(out.executed).toBe(true);
          expect(out.result).toBe('done');
          expect(requests).toHaveLength(c.expect.attempts);
          expect(JSON.parse(requests[0]?.body ?? '{"mode":"monitor"}').mode).toBe('monitor');
          if (c.expect.source === 'client') {
            expect(out.decision).toMatchObject({
              decision: 'deny',
              reason_code: c.expect.reason_code,
              enforced: false,
              source: 'client',
              mode: 'monitor',
              would_decision: 'deny',
            });
          }
        });
      }
    });
  }
});
