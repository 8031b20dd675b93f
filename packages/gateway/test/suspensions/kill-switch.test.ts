/**
 * The kill switch on one gateway (memory stores): every scope stops what it covers and nothing else,
 * in every mode but monitor; held actions of a suspended agent cannot be released; suspensions and
 * resumes are sealed with who and why; hostile input is refused naming the field.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { type TestGateway, testGateway } from '../http/helpers.js';
import { LIMITS_POLICY, refund, search } from './fixtures.js';

let t: TestGateway;
const preflight = (body: object) => t.call('POST', '/api/v1/actions/preflight', { key: t.keys.agent, body });
const suspend = (body: object, key = t.keys.admin) => t.call('POST', '/api/v1/suspensions', { key, body });

beforeEach(async () => {
  t = testGateway();
  const put = await t.call('PUT', '/api/v1/policy', { key: t.keys.admin, body: LIMITS_POLICY });
  expect(put.status).toBe(200);
});

describe('suspensions', () => {
  it('stops the suspended agent at once, leaves others alone, and resumes', async () => {
    expect((await preflight(search('bot-a'))).body.decision).toBe('allow');
    const created = await suspend({ scope: 'agent', match: 'bot-a', reason: 'Refund loop on ticket 4411' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ scope: 'agent', match: 'bot-a', status: 'active' });
    expect(created.body.id).toMatch(/^sus_/);

    const stopped = await preflight(search('bot-a'));
    expect(stopped.body).toMatchObject({ decision: 'deny', reason_code: 'suspended.agent', enforced: true });
    expect(stopped.body.explain.summary).toContain(created.body.id);
    expect((await preflight(search('bot-b'))).body.decision).toBe('allow');

    const resumed = await t.call('DELETE', `/api/v1/suspensions/${created.body.id}`, { key: t.keys.admin });
    expect(resumed.body).toMatchObject({ status: 'resumed', resumed_by: expect.any(String) });
    expect((await preflight(search('bot-a'))).body.decision).toBe('allow');
    // Resuming again answers the ended suspension unchanged.
    const again = await t.call('DELETE', `/api/v1/suspensions/${created.body.id}`, { key: t.keys.admin });
    expect(again.body.resumed_at).toBe(resumed.body.resumed_at);
  });

  it('covers a user, a tool glob and the whole tenant, each with its own reason code', async () => {
    const user = await suspend({ scope: 'user', match: 'u-42', reason: 'account takeover suspected' });
    expect((await preflight(search('bot', { user_id: 'u-42' }))).body.reason_code).toBe('suspended.user');
    expect((await preflight(search('bot', { user_id: 'u-43' }))).body.decision).toBe('allow');
    await t.call('DELETE', `/api/v1/suspensions/${user.body.id}`, { key: t.keys.admin });

    const tool = await suspend({ scope: 'tool', match: 'stripe.refund.*', reason: 'upstream refund bug' });
    expect((await preflight(refund('bot', 100))).body.reason_code).toBe('suspended.tool');
    expect((await preflight(search('bot'))).body.decision).toBe('allow');
    await t.call('DELETE', `/api/v1/suspensions/${tool.body.id}`, { key: t.keys.admin });

    await suspend({ scope: 'tenant', reason: 'incident 77: stop everything' });
    expect((await preflight(search('bot'))).body.reason_code).toBe('suspended.tenant');
    // The other tenant is not touched.
    const other = await t.call('POST', '/api/v1/actions/preflight', {
      key: t.other.agent,
      body: search('bot'),
    });
    expect(other.body.reason_code).not.toBe('suspended.tenant');
  });

  it('holds in warn mode and only observes in monitor mode', async () => {
    await suspend({ scope: 'agent', match: 'bot', reason: 'loop' });
    const warn = await preflight(search('bot', { mode: 'warn' }));
    expect(warn.body).toMatchObject({ decision: 'deny', reason_code: 'suspended.agent', enforced: true });
    const monitor = await preflight(search('bot', { mode: 'monitor' }));
    expect(monitor.body).toMatchObject({ enforced: false, would_decision: 'deny' });
    expect(monitor.body.reason_code).toBe('suspended.agent');
  });

  it('ends by itself at `until`', async () => {
    let now = Date.parse('2026-11-23T18:00:00Z');
    t = testGateway({ clock: () => now });
    await t.call('PUT', '/api/v1/policy', { key: t.keys.admin, body: LIMITS_POLICY });
    const created = await suspend({
      scope: 'agent',
      match: 'bot',
      reason: 'cool down',
      until: '2026-11-23T18:30:00Z',
    });
    expect((await preflight(search('bot'))).body.reason_code).toBe('suspended.agent');
    now = Date.parse('2026-11-23T18:31:00Z');
    await new Promise((resolve) => setTimeout(resolve, 300)); // past this process's refresh bound
    expect((await preflight(search('bot'))).body.decision).toBe('allow');
    const listed = await t.call('GET', '/api/v1/suspensions?status=all', { key: t.keys.approver });
    expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, status: 'expired' })]);
    expect((await t.call('GET', '/api/v1/suspensions', { key: t.keys.admin })).body.items).toEqual([]);
  });

  it('a held action of a suspended agent cannot be approved, nor an approved one re-run', async () => {
    const held = await preflight(refund('bot', 9_000));
    expect(held.body.decision).toBe('require_approval');
    const approvalId = held.body.approval_request_id as string;
    const sus = await suspend({ scope: 'agent', match: 'bot', reason: 'loop' });

    const refused = await t.call('POST', `/api/v1/approvals/${approvalId}/approve`, { key: t.keys.approver });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('suspended.agent');
    expect(refused.body.error.message).toContain(sus.body.id);
    // Denying stays possible: a suspension never blocks saying no.
    const second = await preflight(refund('bot', 9_001));
    expect(second.body.reason_code).toBe('suspended.agent');

    // Approved before the suspension: the re-run is refused while it lasts, allowed after.
    await t.call('DELETE', `/api/v1/suspensions/${sus.body.id}`, { key: t.keys.admin });
    const approved = await t.call('POST', `/api/v1/approvals/${approvalId}/approve`, {
      key: t.keys.approver,
    });
    expect(approved.body.status).toBe('approved');
    const again = await suspend({ scope: 'agent', match: 'bot', reason: 'loop again' });
    const rerun = await preflight({ ...refund('bot', 9_000), approval_request_id: approvalId });
    expect(rerun.body).toMatchObject({ decision: 'deny', reason_code: 'suspended.agent' });
    const request = await t.call('GET', `/api/v1/approvals/${approvalId}`, { key: t.keys.approver });
    expect(request.body.status).toBe('approved'); // not spent by the refused re-run
    await t.call('DELETE', `/api/v1/suspensions/${again.body.id}`, { key: t.keys.admin });
    const released = await preflight({ ...refund('bot', 9_000), approval_request_id: approvalId });
    expect(released.body).toMatchObject({ decision: 'allow', reason_code: 'approval.granted' });
  });

  it('seals who suspended and resumed, what and why, in the ledger', async () => {
    const created = await suspend({ scope: 'tool', match: 'mail.*', reason: 'spam wave' });
    await t.call('DELETE', `/api/v1/suspensions/${created.body.id}`, { key: t.keys.admin });
    const events = (await t.ledger()).filter((event) => event.type.startsWith('suspension.'));
    expect(events.map((event) => event.type)).toEqual(['suspension.created', 'suspension.resumed']);
    expect(events[0]?.data).toMatchObject({
      suspension_id: created.body.id,
      scope: 'tool',
      match: 'mail.*',
      reason: 'spam wave',
      key_id: created.body.created_by,
    });
    expect(events[1]?.data).toMatchObject({
      suspension_id: created.body.id,
      key_id: created.body.created_by,
    });
    // An agent cannot forge one through the custom-evidence route.
    const forged = await t.call('POST', '/api/v1/evidence', {
      key: t.keys.agent,
      body: { type: 'suspension.resumed', data: { suspension_id: created.body.id } },
    });
    expect(forged.status).toBe(400);
  });

  it('needs the admin role to suspend or resume; approvers may read', async () => {
    expect((await suspend({ scope: 'tenant', reason: 'x' }, t.keys.agent)).status).toBe(403);
    expect((await suspend({ scope: 'tenant', reason: 'x' }, t.keys.approver)).status).toBe(403);
    const created = await suspend({ scope: 'agent', match: 'bot', reason: 'loop' });
    const read = await t.call('GET', `/api/v1/suspensions/${created.body.id}`, { key: t.keys.approver });
    expect(read.body.id).toBe(created.body.id);
    const resume = await t.call('DELETE', `/api/v1/suspensions/${created.body.id}`, { key: t.keys.approver });
    expect(resume.status).toBe(403);
    // Another tenant's id is simply not found.
    const foreign = await t.call('GET', `/api/v1/suspensions/${created.body.id}`, { key: t.other.admin });
    expect(foreign.status).toBe(404);
  });

  it('refuses hostile or incomplete input, naming the field and the fix', async () => {
    const cases: Array<[object, string]> = [
      [{ scope: 'agent', match: 'bot', reason: 'loop \u202Eevil' }, 'body.reason'],
      [{ scope: 'agent', match: 'bot', reason: 'line\nbreak' }, 'body.reason'],
      [{ scope: 'agent', match: 'bot', reason: 'x'.repeat(513) }, 'body.reason'],
      [{ scope: 'agent', match: 'b'.repeat(257), reason: 'long' }, 'body.match'],
      [{ scope: 'agent', reason: 'who?' }, 'body.match'],
      [{ scope: 'tool', match: 'rm -rf /', reason: 'bad glob' }, 'body.match'],
      [{ scope: 'tenant', match: 'other-tenant', reason: 'not yours' }, 'body.match'],
      [{ scope: 'agent', match: 'bot', reason: 'past', until: '2000-01-01T00:00:00Z' }, 'body.until'],
      [{ scope: 'galaxy', match: 'bot', reason: 'no such scope' }, 'body.scope'],
    ];
    for (const [body, field] of cases) {
      const answer = await suspend(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.message).toContain(field);
    }
    expect((await t.call('GET', '/api/v1/suspensions', { key: t.keys.admin })).body.items).toEqual([]);
    // An agent id with a bidi override is still matched exactly (and stopped).
    const odd = 'bot\u202Elive';
    expect((await suspend({ scope: 'agent', match: odd, reason: 'odd id' })).status).toBe(201);
    expect((await preflight(search(odd))).body.reason_code).toBe('suspended.agent');
    expect((await preflight(search('botlive'))).body.decision).toBe('allow');
  });
});
