import { describe, expect, it, vi } from 'vitest';
import { canonicalize } from '../src/canonical/index.js';
import { ActPass, type Decision, type ExecuteContext, type Mode } from '../src/index.js';
import { allowDecision, BASE_URL, decisionOf, evidenceEvent, REFUND } from './helpers/fixtures.js';
import { recordingSleep, type ScriptedResponse, scriptedFetch } from './helpers/scripted-fetch.js';

const json = (body: unknown, status = 200): ScriptedResponse => ({
  status,
  headers: { 'x-request-id': 'req_g' },
  json: body,
});
const outcomeEvent = json(evidenceEvent({}), 201);

function setup(script: ScriptedResponse[], extra: Partial<ConstructorParameters<typeof ActPass>[0]> = {}) {
  const { fetch, requests } = scriptedFetch(script);
  const logger = { warn: vi.fn(), info: vi.fn(), debug: vi.fn(), error: vi.fn() };
  const client = new ActPass({
    apiKey: 'k',
    baseUrl: BASE_URL,
    fetch,
    sleep: recordingSleep().sleep,
    logger,
    ...extra,
  });
  return { client, requests, logger };
}

async function sha256(text: string) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Buffer.from(digest).toString('hex');
}

// Which gateway decisions run `execute`, per mode.
const table: Record<Mode, Record<Decision['decision'], boolean>> = {
  enforce: { allow: true, deny: false, require_approval: false, require_tool_reapproval: false, warn: false },
  strict: { allow: true, deny: false, require_approval: false, require_tool_reapproval: false, warn: false },
  warn: { allow: true, deny: false, require_approval: false, require_tool_reapproval: false, warn: true },
  monitor: { allow: true, deny: true, require_approval: true, require_tool_reapproval: true, warn: true },
};

describe('guard() mode table', () => {
  for (const [mode, row] of Object.entries(table) as [Mode, Record<Decision['decision'], boolean>][]) {
    for (const [value, runs] of Object.entries(row) as [Decision['decision'], boolean][]) {
      it(`${mode} + ${value} ${runs ? 'runs' : 'does not run'} execute`, async () => {
        const { client } = setup([json(decisionOf(value, { mode }))], { recordOutcomes: false });
        const execute = vi.fn(() => 'r');
        const out = await client.guard({ ...REFUND, mode, execute });
        expect(execute).toHaveBeenCalledTimes(runs ? 1 : 0);
        expect(out).toMatchObject({ executed: runs, result: runs ? 'r' : undefined, error: undefined });
        expect(out.decision.decision).toBe(value);
      });
    }
  }

  it('decides by the mode the caller asked for, not the one the response claims', async () => {
    const { client } = setup([json(decisionOf('deny', { mode: 'monitor', enforced: false }))], {
      recordOutcomes: false,
    });
    const execute = vi.fn();
    const out = await client.guard({ ...REFUND, mode: 'enforce', execute });
    expect(execute).not.toHaveBeenCalled();
    expect(out.executed).toBe(false);
  });

  it('surfaces a warn decision through the logger in warn mode', async () => {
    const { client, logger } = setup([json(decisionOf('warn', { mode: 'warn', would_decision: 'deny' }))], {
      recordOutcomes: false,
    });
    const out = await client.guard({ ...REFUND, mode: 'warn', execute: () => 1 });
    expect(out.executed).toBe(true);
    expect(out.decision.would_decision).toBe('deny');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/warn decision/),
      expect.objectContaining({ would_decision: 'deny' }),
    );
  });
});

describe('guard() execution', () => {
  it('hands execute the credential lease and the decision, once', async () => {
    const credential = { name: 'stripe_key', value: 'rk_secret_123', expires_at: '2026-11-23T18:01:00.000Z' };
    const { client } = setup([json(allowDecision({ credential }))], { recordOutcomes: false });
    const execute = vi.fn((_ctx: ExecuteContext) => 'ok');
    await client.guard({ ...REFUND, execute });
    expect(execute).toHaveBeenCalledTimes(1);
    expect(execute.mock.calls[0]?.[0]).toMatchObject({ credential, decision: { decision: 'allow' } });
  });

  it('passes credential undefined when none is bound', async () => {
    const { client } = setup([json(allowDecision())], { recordOutcomes: false });
    const execute = vi.fn((_ctx: ExecuteContext) => 'ok');
    await client.guard({ ...REFUND, execute });
    expect(execute).toHaveBeenCalledTimes(1);
    expect(execute.mock.calls[0]?.[0].credential).toBeUndefined();
  });

  it('returns what execute throws instead of throwing, and records an error outcome', async () => {
    const { client, requests } = setup([json(allowDecision()), outcomeEvent]);
    const boom = new Error('stripe is down');
    const out = await client.guard({ ...REFUND, execute: () => Promise.reject(boom) });
    expect(out).toMatchObject({ executed: true, result: undefined, error: boom });
    const recorded = JSON.parse(requests[1]?.body ?? '');
    expect(recorded).toMatchObject({
      type: 'action.outcome',
      data: { outcome: 'error', result_sha256: null },
    });
  });

  it('records the outcome with the SHA-256 of the canonical result, never the result', async () => {
    const { client, requests } = setup([json(allowDecision()), outcomeEvent]);
    const result = { refund: 're_1', amount: 4900, card: '4242424242424242' };
    const out = await client.guard({ ...REFUND, execute: async () => result });
    expect(out.result).toBe(result);
    await client.flush();
    expect(requests[1]?.url).toBe(`${BASE_URL}/api/v1/evidence`);
    const recorded = JSON.parse(requests[1]?.body ?? '');
    expect(recorded.type).toBe('action.outcome');
    expect(Object.keys(recorded.data).sort()).toEqual([
      'duration_ms',
      'evidence_event_id',
      'outcome',
      'result_sha256',
      'tool',
    ]);
    expect(recorded.data).toMatchObject({
      evidence_event_id: 'ev_01J9Z8Q4M5N6P7R8S9T0V1W2X3',
      tool: 'stripe.refund.create',
      outcome: 'ok',
      result_sha256: await sha256(canonicalize(result)),
    });
    expect(recorded.data.duration_ms).toBeGreaterThanOrEqual(0);
    expect(requests[1]?.body).not.toContain('4242424242424242');
  });

  it('records result_sha256 null for a result with no JSON form', async () => {
    const { client, requests } = setup([json(allowDecision()), outcomeEvent]);
    await client.guard({ ...REFUND, execute: () => undefined });
    await client.flush();
    expect(JSON.parse(requests[1]?.body ?? '').data.result_sha256).toBeNull();
  });

  it('skips recording when turned off per call or per client', async () => {
    const perCall = setup([json(allowDecision())]);
    await perCall.client.guard({ ...REFUND, execute: () => 1, recordOutcome: false });
    expect(perCall.requests).toHaveLength(1);
    const perClient = setup([json(allowDecision())], { recordOutcomes: false });
    await perClient.client.guard({ ...REFUND, execute: () => 1 });
    expect(perClient.requests).toHaveLength(1);
    const overridden = setup([json(allowDecision()), outcomeEvent], { recordOutcomes: false });
    await overridden.client.guard({ ...REFUND, execute: () => 1, recordOutcome: true });
    await overridden.client.flush();
    expect(overridden.requests).toHaveLength(2);
  });

  it('logs a failure to record the outcome and still reports executed', async () => {
    const fail = json({ error: { code: 'auth.forbidden', message: 'no', request_id: 'r' } }, 403);
    const { client, logger } = setup([json(allowDecision()), fail]);
    const out = await client.guard({ ...REFUND, execute: () => 'done' });
    expect(out).toMatchObject({ executed: true, result: 'done', error: undefined });
    await client.flush();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/could not record/),
      expect.objectContaining({ evidence_event_id: 'ev_01J9Z8Q4M5N6P7R8S9T0V1W2X3' }),
    );
  });

  it('never retries execute when the decision call was retried', async () => {
    const { client, requests } = setup([{ status: 503 }, json(allowDecision())], { recordOutcomes: false });
    const execute = vi.fn();
    await client.guard({ ...REFUND, execute });
    expect(requests).toHaveLength(2);
    expect(execute).toHaveBeenCalledTimes(1);
  });

  it('answers a missing execute with a misconfigured deny instead of throwing', async () => {
    const { client, requests } = setup([]);
    const out = await client.guard({ ...REFUND, execute: undefined as never });
    expect(out).toMatchObject({
      executed: false,
      decision: { decision: 'deny', reason_code: 'client.misconfigured' },
    });
    expect(requests).toHaveLength(0);
  });
});

describe('guard() waitForApproval', () => {
  const held = decisionOf('require_approval', { approval_request_id: 'apr_1' });
  const approval = (status: string) =>
    json({
      id: 'apr_1',
      status,
      action: {
        tenant_id: 'acme',
        agent_id: null,
        user_id: null,
        goal: 'g',
        tool: 't',
        resource: null,
        args: {},
      },
      action_hash: held.action_hash,
      reason_code: 'refund.medium_needs_approval',
      created_at: '2026-11-23T18:00:00.000Z',
      expires_at: '2026-11-24T18:00:00.000Z',
    });

  it('polls until approved, then decides again with the approval and without the passport', async () => {
    const granted = allowDecision({ reason_code: 'approval.granted' });
    const { client, requests } = setup(
      [json(held), approval('pending'), approval('approved'), json(granted)],
      {
        recordOutcomes: false,
      },
    );
    const execute = vi.fn(() => 'refunded');
    const out = await client.guard({
      ...REFUND,
      passport: 'tok.en.x',
      execute,
      waitForApproval: { timeoutMs: 60_000, pollIntervalMs: 10 },
    });
    expect(out).toMatchObject({
      executed: true,
      result: 'refunded',
      decision: { reason_code: 'approval.granted' },
    });
    expect(requests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      'POST /api/v1/actions/preflight',
      'GET /api/v1/approvals/apr_1',
      'GET /api/v1/approvals/apr_1',
      'POST /api/v1/actions/preflight',
    ]);
    const rerun = JSON.parse(requests[3]?.body ?? '');
    expect(rerun.approval_request_id).toBe('apr_1');
    expect(rerun).not.toHaveProperty('passport');
  });

  it('returns the require_approval decision when the approver does not answer in time', async () => {
    let clock = 0;
    const sleep = async (ms: number) => {
      clock += ms;
    };
    const { client, requests } = setup(
      [json(held), approval('pending'), approval('pending'), approval('pending')],
      {
        sleep,
        now: () => clock,
      },
    );
    const execute = vi.fn();
    const out = await client.guard({
      ...REFUND,
      execute,
      waitForApproval: { timeoutMs: 2_000, pollIntervalMs: 1_000 },
    });
    expect(execute).not.toHaveBeenCalled();
    expect(out.decision.decision).toBe('require_approval');
    expect(requests).toHaveLength(4);
  });

  it('does not wait when not asked to', async () => {
    const { client, requests } = setup([json(held)]);
    const out = await client.guard({ ...REFUND, execute: () => 1 });
    expect(out.executed).toBe(false);
    expect(requests).toHaveLength(1);
  });
});
