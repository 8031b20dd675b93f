/**
 * Custom evidence cannot use a gateway namespace, and every ledger event records the key
 * that caused it (`data.written_by`: its id and roles, from the key, never from the body).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { refund, type TestGateway, testGateway } from './helpers.js';

const PREFLIGHT = '/api/v1/actions/preflight';
const EVIDENCE = '/api/v1/evidence';
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const stores: Array<[string, () => Promise<TestGateway>]> = [
  ['memory', async () => testGateway()],
  [
    'file',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'actpass-writers-'));
      dirs.push(dir);
      return testGateway({ dir });
    },
  ],
];

const OUTCOME = {
  tool: 'stripe.refund.create',
  outcome: 'ok',
  duration_ms: 12,
  result_sha256: 'a'.repeat(64),
};

describe.each(stores)('custom evidence and event writers (%s stores)', (_name, open) => {
  it('refuses every gateway namespace, as the type itself and as a prefix', async () => {
    const { call, keys, ledger } = await open();
    await call('GET', '/api/v1/approvals', { key: keys.approver }); // the starting policy is recorded first
    const before = (await ledger()).length;
    for (const type of [
      'decision',
      'decision.allow',
      'approval.approved',
      'passport',
      'credential.stored',
      'tool.approved.x',
      'policy.updated.x',
      'keyset.rotated',
      'ledger.head',
      'evidence',
      'action',
      'action.executed',
    ]) {
      const { status, body } = await call('POST', EVIDENCE, { key: keys.agent, body: { type, data: {} } });
      expect(status, type).toBe(400);
      expect(body.error.code).toBe('request.invalid');
      expect(body.error.message, type).toMatch(/^body\.type: .*namespace/);
    }
    expect((await ledger()).length).toBe(before);
    for (const type of ['app.note', 'decisions', 'policyholder.updated', 'tools']) {
      expect((await call('POST', EVIDENCE, { key: keys.agent, body: { type, data: {} } })).status, type).toBe(
        201,
      );
    }
  });

  it('accepts action.outcome, the outcome record of the SDKs and the proxy, written as the agent', async () => {
    const { call, keys } = await open();
    const decided = await call('POST', PREFLIGHT, { key: keys.agent, body: refund(100) });
    const ok = await call('POST', EVIDENCE, {
      key: keys.agent,
      body: {
        type: 'action.outcome',
        data: { ...OUTCOME, evidence_event_id: decided.body.evidence_event_id },
      },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.data.written_by).toEqual({ key_id: expect.any(String), roles: ['agent'] });
  });

  it('records the writing key on every event, never the body', async () => {
    const { call, keys, ledger } = await open();
    const forged = await call('POST', EVIDENCE, {
      key: keys.agent,
      body: { type: 'app.note', data: { written_by: { key_id: 'admin', roles: ['admin'] } } },
    });
    expect(forged.status).toBe(400);
    expect(forged.body.error.message).toMatch(/^body\.data\.written_by:/);

    const passport = await call('POST', '/api/v1/passports', {
      key: keys.agent,
      body: { audience: 'a', goal: 'resolve_refund_request', allowed_tools: ['stripe.refund.*'] },
    });
    await call('POST', PREFLIGHT, { key: keys.agent, body: refund(100, { passport: passport.body.token }) });
    const held = await call('POST', PREFLIGHT, { key: keys.agent, body: refund(20_000) });
    await call('POST', `/api/v1/approvals/${held.body.approval_request_id}/approve`, {
      key: keys.approver,
      body: {},
    });
    await call('PUT', '/api/v1/tools/stripe.refund.create', {
      key: keys.admin,
      body: { name: 'stripe.refund.create', description: 'refund', input_schema: {} },
    });
    await call('POST', EVIDENCE, { key: keys.agent, body: { type: 'app.note', data: { n: 1 } } });

    const events = await ledger();
    for (const event of events) expect(event.data.written_by, event.type).toBeDefined();
    const writer = (type: string) => events.find((event) => event.type === type)?.data.written_by;
    // The starting policy is written by the gateway itself, at start-up.
    expect(writer('policy.updated')).toEqual({ key_id: null, roles: ['gateway'] });
    const decision = events.find((event) => event.type === 'decision');
    expect(writer('decision')).toEqual({ key_id: decision?.data.key_id, roles: ['agent'] });
    expect(writer('passport.issued')).toEqual({ key_id: decision?.data.key_id, roles: ['agent'] });
    expect(writer('app.note')).toEqual({ key_id: decision?.data.key_id, roles: ['agent'] });
    const approved = events.find((event) => event.type === 'approval.approved');
    expect(writer('approval.approved')).toEqual({ key_id: approved?.data.decided_by, roles: ['approver'] });
    expect(writer('tool.approved')).toMatchObject({ roles: ['admin'] });
    expect((writer('tool.approved') as { key_id: string }).key_id).not.toBe(decision?.data.key_id);
  });
});
