/**
 * Rate limits and budgets on one gateway (memory stores, and the file store across a restart): what
 * counts, what does not, how a held action is counted once approved, and how a bad limit is reported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compilePolicy, findShadowedRules } from '../../src/policy/index.js';
import { type TestGateway, testGateway } from '../http/helpers.js';
import { BUDGET_MAX, LIMITS_POLICY, mail, RATE_MAX, refund } from './fixtures.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function withPolicy(options = {}): Promise<TestGateway> {
  const t = testGateway(options);
  const put = await t.call('PUT', '/api/v1/policy', { key: t.keys.admin, body: LIMITS_POLICY });
  expect(put.status).toBe(200);
  return t;
}

const preflight = (t: TestGateway, body: object) =>
  t.call('POST', '/api/v1/actions/preflight', { key: t.keys.agent, body });

describe('rate limits and budgets', () => {
  it('allows up to the rate, then answers the rule with its reason and description', async () => {
    const t = await withPolicy();
    for (let i = 0; i < RATE_MAX; i++)
      expect((await preflight(t, mail('bot'))).body.reason_code).toBe('tool.known');
    for (let i = 0; i < 3; i++) {
      const over = await preflight(t, mail('bot'));
      expect(over.body).toMatchObject({
        decision: 'deny',
        reason_code: 'limit.rate',
      });
      expect(over.body.explain.matched_rules).toEqual(['mail-rate']);
      expect(over.body.explain.summary).toBe('At most seven e-mails per agent per hour.');
    }
    // Monitor mode observes the limit without being counted against it either.
    const observed = await preflight(t, { ...mail('bot'), mode: 'monitor' });
    expect(observed.body).toMatchObject({
      enforced: false,
      would_decision: 'deny',
      reason_code: 'limit.rate',
    });
    // Per agent: another agent has its own count.
    expect((await preflight(t, mail('other'))).body.reason_code).toBe('tool.known');
  });

  it('counts a held action once its approved re-run is allowed, not when it is held', async () => {
    const t = await withPolicy();
    const held = await preflight(t, refund('bot', 6_000));
    expect(held.body).toMatchObject({ decision: 'require_approval', reason_code: 'refund.large' });
    const id = held.body.approval_request_id as string;
    await t.call('POST', `/api/v1/approvals/${id}/approve`, { key: t.keys.approver });
    const released = await preflight(t, { ...refund('bot', 6_000), approval_request_id: id });
    expect(released.body).toMatchObject({ decision: 'allow', reason_code: 'approval.granted' });
    // Held, it spent nothing; released, 6,000: 4,000 more fit, then not one unit.
    expect((await preflight(t, refund('bot', 4_000))).body.reason_code).toBe('tool.known');
    const over = await preflight(t, refund('bot', 1));
    expect(over.body).toMatchObject({ decision: 'require_approval', reason_code: 'limit.budget' });
    expect(BUDGET_MAX).toBe(10_000);
  });

  it('fails closed on a budget argument that is missing or not a whole amount', async () => {
    const t = await withPolicy();
    for (const args of [{}, { amount: '10' }, { amount: 1.5 }, { amount: -5 }, { amount: 1e300 }]) {
      const answer = await preflight(t, { ...refund('bot', 1), args });
      expect([JSON.stringify(args), answer.body.reason_code]).toEqual([JSON.stringify(args), 'limit.budget']);
    }
  });

  it('keeps its counts in the state directory across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actpass-limits-'));
    dirs.push(dir);
    let t = await withPolicy({ dir });
    for (let i = 0; i < RATE_MAX; i++) await preflight(t, mail('bot'));
    await t.gateway.close();
    t = testGateway({ dir });
    expect((await preflight(t, mail('bot'))).body.reason_code).toBe('limit.rate');
    await t.gateway.close();
  });

  it('reports a bad limit with its path and the fix, every problem at once', async () => {
    const t = testGateway();
    const bad = {
      id: 'bad',
      version: 1,
      rules: [
        { id: 'a', limit: { rate: { max: 0, window_seconds: 60 } }, decision: 'deny', reason: 'limit.rate' },
        {
          id: 'b',
          limit: { budget: { max: 5, window_seconds: 60 } },
          decision: 'deny',
          reason: 'limit.budget',
        },
        {
          id: 'c',
          limit: { rate: { max: 1, window_seconds: 60 }, per: ['ip'] },
          decision: 'deny',
          reason: 'x.y',
        },
        { id: 'd', limit: { rate: { max: 1, window_seconds: 60 } }, decision: 'allow', reason: 'x.y' },
        {
          id: 'e',
          limit: { rate: { max: 1, window_seconds: 1e9 }, budget: {} },
          decision: 'deny',
          reason: 'x.y',
        },
      ],
    };
    const answer = await t.call('PUT', '/api/v1/policy', { key: t.keys.admin, body: bad });
    expect(answer.status).toBe(400);
    const paths = answer.body.error.details.map((detail: { path: string }) => detail.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.rules[0].limit.rate.max',
        'body.rules[1].limit.budget.arg',
        'body.rules[2].limit.per',
        'body.rules[3].decision',
      ]),
    );
    expect(paths.some((path: string) => path.startsWith('body.rules[4].limit'))).toBe(true);
    const arg = answer.body.error.details.find((detail: { path: string }) => detail.path.endsWith('.arg'));
    expect(arg.message).toContain('args.amount');
  });

  it('a limited rule shadows nothing: the rule below it still decides under the limit', () => {
    const compiled = compilePolicy(LIMITS_POLICY);
    expect(compiled.ok).toBe(true);
    if (compiled.ok) expect(findShadowedRules(compiled.policy)).toEqual([]);
  });
});
