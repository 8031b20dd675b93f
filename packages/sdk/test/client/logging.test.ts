import { describe, expect, it } from 'vitest';
import { ActPass } from '../../src/index.js';
import { redact } from '../../src/internal/logging.js';
import { allowDecision, BASE_URL, evidenceEvent, REFUND } from '../helpers/fixtures.js';
import { recordingSleep, scriptedFetch } from '../helpers/scripted-fetch.js';

const API_KEY = 'sk_live_supersecret_key';
const CREDENTIAL = 'rk_live_vaulted_secret';
const PASSPORT = 'eyJhbGciOiJFZERTQSJ9.eyJqdGkiOiJhcF8xIn0.c2lnbmF0dXJl';

function capturingLogger() {
  const lines: unknown[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push({ level, message, fields });
  return {
    lines,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
  };
}

describe('logging', () => {
  it('never hands the logger the API key, a credential value or a passport token', async () => {
    const credential = { name: 'stripe', value: CREDENTIAL, expires_at: '2026-11-23T18:01:00.000Z' };
    const { fetch } = scriptedFetch([
      { status: 503, headers: { 'retry-after': '0' } },
      { fault: 'connection_refused' },
      { status: 200, headers: { 'x-request-id': 'req_1' }, json: allowDecision({ credential }) },
      { status: 500 },
      { status: 500 },
      { status: 500 },
      { status: 200, json: evidenceEvent({}) },
      { status: 401, json: { error: { code: 'auth.invalid_key', message: 'no', request_id: 'r' } } },
      // An error message quoting the key ends up in the fail-closed summary, which is logged.
      {
        status: 401,
        json: { error: { code: 'auth.invalid_key', message: `bad key ${API_KEY}`, request_id: 'r' } },
      },
    ]);
    const { lines, logger } = capturingLogger();
    const client = new ActPass({
      apiKey: API_KEY,
      baseUrl: BASE_URL,
      fetch,
      logger,
      sleep: recordingSleep().sleep,
    });
    await client.guard({
      ...REFUND,
      passport: PASSPORT,
      execute: ({ credential: c }) => c?.value,
      awaitOutcome: true,
    });
    await client.recordEvidence({ type: 'custom.note', data: { ok: true } });
    await client.verifyPassport({ token: PASSPORT, audience: 'a' });
    const denied = await client.preflight(REFUND);
    expect(denied.explain.summary).toContain(API_KEY); // the caller's own result is not redacted
    const text = JSON.stringify(lines);
    expect(lines.length).toBeGreaterThan(3);
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(CREDENTIAL);
    expect(text).not.toContain(PASSPORT);
  });

  it('redacts secret-named fields at any depth', () => {
    expect(
      redact({ a: { token: 't', headers: { authorization: 'Bearer x' } }, list: [{ value: 'v' }], n: 1 }),
    ).toEqual({
      a: { token: '[redacted]', headers: { authorization: '[redacted]' } },
      list: [{ value: '[redacted]' }],
      n: 1,
    });
  });

  it('survives a logger that throws', async () => {
    const { fetch } = scriptedFetch([{ fault: 'connection_refused' }]);
    const explode = () => {
      throw new Error('logger down');
    };
    const client = new ActPass({
      apiKey: 'k',
      baseUrl: BASE_URL,
      fetch,
      maxRetries: 0,
      logger: { warn: explode, debug: explode, info: explode },
    });
    const decision = await client.preflight(REFUND);
    expect(decision).toMatchObject({ decision: 'deny', reason_code: 'client.unreachable' });
  });
});
