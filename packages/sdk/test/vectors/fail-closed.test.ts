import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ActPass, type Mode } from '../../src/index.js';
import { BASE_URL, REFUND } from '../helpers/fixtures.js';
import { type RecordedRequest, recordingSleep, type ScriptedResponse, scriptedFetch } from '../helpers/scripted-fetch.js';
import { loadVectors } from './load-vectors.js';

interface FailClosedCase {
  name: string;
  client: { api_key: string | null; base_url?: string };
  random: number;
  responses: ScriptedResponse[];
  expect: {
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

/** HTTP-only scripts go through msw and the real global fetch; scripts with faults use the fake fetch. */
function transportFor(c: FailClosedCase): { fetch?: typeof fetch; requests: RecordedRequest[] } {
  if (c.responses.some((r) => 'fault' in r)) return scriptedFetch(c.responses);
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
      const body = step.json === undefined ? (step.body ?? '') : JSON.stringify(step.json);
      return new HttpResponse(body, { status: step.status, headers: step.headers });
    }),
  );
  return { requests };
}

async function runCase(c: FailClosedCase, mode: Mode) {
  vi.stubEnv('ACTPASS_API_KEY', '');
  const { fetch, requests } = transportFor(c);
  const { sleep, waits } = recordingSleep();
  const client = new ActPass({
    apiKey: c.client.api_key ?? undefined,
    baseUrl: c.client.base_url ?? BASE_URL,
    fetch,
    sleep,
    random: () => c.random,
    logger: {},
  });
  const execute = vi.fn(async () => 'done');
  const out = await client.guard({ ...REFUND, mode, execute, recordOutcome: false });
  return { out, execute, requests, waits };
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
