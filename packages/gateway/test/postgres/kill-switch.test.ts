/**
 * The kill switch and limits across two `actpass dev --database-url` processes sharing PostgreSQL:
 * an agent looping on process A is stopped within one second of a suspension made on process B; a
 * held action of the suspended agent cannot be released on either; a rate limit and a budget hold
 * exactly under concurrent calls spread over both processes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from '../../src/store/postgres/index.js';
import { BUDGET_MAX, LIMITS_POLICY, mail, RATE_MAX, refund, search } from '../suspensions/fixtures.js';
import {
  type CallResult,
  call,
  type GatewayProcess,
  type RoleKeys,
  startCliGateway,
} from './fixtures/processes.js';
import { useTestDatabase } from './helpers.js';

/** What the gateway promises; the loop checks it with the margin below on top. */
const SUSPENSION_BOUND_MS = 1_000;
/** How long the looping agent may keep going after the suspension before the test gives up. */
const LOOP_GIVE_UP_MS = 15_000;

const db = useTestDatabase();
let gateways: GatewayProcess[] = [];
let stateDir: string;
let KEYS: RoleKeys;
let pool: Pool;

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'actpass-kill-'));
  gateways = await Promise.all([0, 1].map(() => startCliGateway(db.url, stateDir)));
  KEYS = gateways[0]!.keys;
  pool = await db.pool(2);
  const put = await call(gateways[0]!.url, 'PUT', '/api/v1/policy', { key: KEYS.admin, body: LIMITS_POLICY });
  expect(put.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

const A = () => gateways[0]!.url;
const B = () => gateways[1]!.url;
const preflight = (base: string, body: unknown): Promise<CallResult> =>
  call(base, 'POST', '/api/v1/actions/preflight', { key: KEYS.agent, body });

describe('two gateway processes on one PostgreSQL', () => {
  it('stops an agent looping on A within one second of a suspension made on B, and resumes it', async () => {
    // The agent loops on A; every answer is kept with the time its request started.
    const answers: Array<{ startedAt: number; decision: string; reason: string }> = [];
    let suspendedAt: number | undefined;
    let stop = false;
    const loop = (async () => {
      while (!stop) {
        const startedAt = performance.now();
        const answer = await preflight(A(), search('looper'));
        answers.push({ startedAt, decision: answer.body.decision, reason: answer.body.reason_code });
        if (answer.body.reason_code === 'suspended.agent') return;
        if (suspendedAt !== undefined && performance.now() - suspendedAt > LOOP_GIVE_UP_MS) return;
      }
    })();
    while (answers.length < 5) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answers.every((answer) => answer.decision === 'allow')).toBe(true);

    const created = await call(B(), 'POST', '/api/v1/suspensions', {
      key: KEYS.admin,
      body: { scope: 'agent', match: 'looper', reason: 'looping on ticket 4411' },
    });
    suspendedAt = performance.now();
    expect(created.status).toBe(201);
    await loop;
    stop = true;

    const last = answers.at(-1)!;
    expect(last.reason).toBe('suspended.agent');
    // The functional bound: no call that started a second after the suspension was answered was
    // allowed; the loop's first refusal came well inside the give-up deadline.
    const lateAllowed = answers.filter(
      (answer) => answer.startedAt > suspendedAt! + SUSPENSION_BOUND_MS && answer.decision === 'allow',
    );
    expect(lateAllowed).toEqual([]);
    expect(last.startedAt - suspendedAt!).toBeLessThan(SUSPENSION_BOUND_MS);
    // Every process refuses it now, and another agent is untouched.
    for (const base of [A(), B()]) {
      expect((await preflight(base, search('looper'))).body.reason_code).toBe('suspended.agent');
      expect((await preflight(base, search('bystander'))).body.decision).toBe('allow');
    }

    const resumed = await call(A(), 'DELETE', `/api/v1/suspensions/${created.body.id}`, { key: KEYS.admin });
    expect(resumed.body.status).toBe('resumed');
    const resumedAt = performance.now();
    let allowedOnB: CallResult | undefined;
    while (performance.now() - resumedAt < LOOP_GIVE_UP_MS) {
      allowedOnB = await preflight(B(), search('looper'));
      if (allowedOnB.body.decision === 'allow') break;
    }
    expect(allowedOnB?.body.decision).toBe('allow');

    // Sealed once each, with who and why, in the shared chain.
    const { rows } = await pool.query<{ event: string }>(
      `SELECT event FROM actpass_ledger_events WHERE tenant_id = $1 AND event LIKE '%"suspension.%' ORDER BY seq`,
      [gateways[0]!.tenantId],
    );
    const events = rows.map((row) => JSON.parse(row.event));
    expect(events.map((event) => event.type)).toEqual(['suspension.created', 'suspension.resumed']);
    expect(events[0].data).toMatchObject({
      scope: 'agent',
      match: 'looper',
      reason: 'looping on ticket 4411',
    });
    expect(events[0].data.key_id).toBe(created.body.created_by);
  }, 60_000);

  it('a held action of the suspended agent cannot be approved on either process, nor re-run once approved', async () => {
    const held = await preflight(A(), refund('holder', 9_000));
    expect(held.body.decision).toBe('require_approval');
    const id = held.body.approval_request_id as string;
    const approvedEarly = await preflight(A(), refund('holder', 9_500));
    const earlyId = approvedEarly.body.approval_request_id as string;
    expect(
      (await call(B(), 'POST', `/api/v1/approvals/${earlyId}/approve`, { key: KEYS.approver })).status,
    ).toBe(200);

    const sus = await call(B(), 'POST', '/api/v1/suspensions', {
      key: KEYS.admin,
      body: { scope: 'agent', match: 'holder', reason: 'stop refunds now' },
    });
    // Within the bound on A, which did not make the suspension.
    await new Promise((resolve) => setTimeout(resolve, SUSPENSION_BOUND_MS));
    for (const base of [A(), B()]) {
      const refused = await call(base, 'POST', `/api/v1/approvals/${id}/approve`, { key: KEYS.approver });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('suspended.agent');
      const rerun = await preflight(base, { ...refund('holder', 9_500), approval_request_id: earlyId });
      expect(rerun.body).toMatchObject({ decision: 'deny', reason_code: 'suspended.agent' });
    }
    const { rows } = await pool.query<{ status: string }>(
      'SELECT status FROM actpass_approvals WHERE tenant_id = $1 AND id = ANY($2::text[]) ORDER BY id',
      [gateways[0]!.tenantId, [id, earlyId]],
    );
    expect(rows.map((row) => row.status).sort()).toEqual(['approved', 'pending']);
    await call(A(), 'DELETE', `/api/v1/suspensions/${sus.body.id}`, { key: KEYS.admin });
  }, 60_000);

  it('counts a rate limit exactly under concurrent calls on both processes, and only the allowed ones', async () => {
    const CALLS = 24;
    const answers = await Promise.all(
      Array.from({ length: CALLS }, (_, i) => preflight(i % 2 === 0 ? A() : B(), mail('rater'))),
    );
    const reasons = answers.map((answer) => answer.body.reason_code);
    expect(reasons.filter((reason) => reason === 'tool.known')).toHaveLength(RATE_MAX);
    expect(reasons.filter((reason) => reason === 'limit.rate')).toHaveLength(CALLS - RATE_MAX);
    // The refused calls were not counted: the counter holds exactly the limit.
    const { rows } = await pool.query<{ used: string }>(
      'SELECT used FROM actpass_limit_counters WHERE tenant_id = $1',
      [gateways[0]!.tenantId],
    );
    expect(rows.map((row) => Number(row.used))).toContain(RATE_MAX);
    // Another agent has its own counter.
    expect((await preflight(B(), mail('other-rater'))).body.reason_code).toBe('tool.known');
  }, 60_000);

  it('sums a budget exactly under concurrent calls on both processes; past it a person decides', async () => {
    const CALLS = 20;
    const AMOUNT = 1_000;
    const answers = await Promise.all(
      Array.from({ length: CALLS }, (_, i) => preflight(i % 2 === 0 ? B() : A(), refund('spender', AMOUNT))),
    );
    const allowed = answers.filter((answer) => answer.body.decision === 'allow');
    expect(allowed).toHaveLength(BUDGET_MAX / AMOUNT);
    const held = answers.filter((answer) => answer.body.reason_code === 'limit.budget');
    expect(held).toHaveLength(CALLS - BUDGET_MAX / AMOUNT);
    expect(held.every((answer) => answer.body.decision === 'require_approval')).toBe(true);
    // A refund without a whole amount cannot slip under the budget.
    const sneaky = await preflight(A(), { ...refund('spender2', 10), args: { amount: '10' } });
    expect(sneaky.body.reason_code).toBe('limit.budget');
  }, 60_000);
});
