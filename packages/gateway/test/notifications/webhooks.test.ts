/**
 * Webhooks end to end against real HTTP receivers on loopback: signed deliveries both SDKs verify,
 * a receiver that is down (retries, then the dead-letter list, then a manual retry), one that answers
 * 500 before 200, one that hangs (timeout), decisions answered while a receiver holds every delivery
 * open, expiry without anyone looking, and the admin API's validation and secrecy.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { verifyWebhook, WebhookVerificationError } from '@actpass/sdk/webhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, type Gateway, type GatewayConfig } from '../../src/index.js';
import { type Caller, caller, refund } from '../http/helpers.js';
import { eventually, type Receiver, refusedUrl, startReceiver } from './receiver.js';

const PYTHON = join(__dirname, '../../../../python/.venv/bin/python');
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const KEYS = {
  agent: 'ak_test_acme_agent_0123456789abcdef',
  approver: 'ak_test_acme_approver_0123456789abcdef',
  admin: 'ak_test_acme_admin_0123456789abcdef',
  otherAdmin: 'ak_test_globex_admin_0123456789abcdef',
};
/** Fast enough for tests, the same code path as production. */
const QUICK = { timeoutMs: 2_000, maxAttempts: 3, backoffBaseMs: 30, backoffFactor: 2, backoffCapMs: 200 };

interface Harness {
  gateway: Gateway;
  call: Caller;
}

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

function harness(webhooks: GatewayConfig['webhooks'], extra: Partial<GatewayConfig> = {}): Harness {
  const gateway = createGateway({
    tenants: [
      { id: 'acme', policy: 'refunds' },
      { id: 'globex', policy: 'refunds' },
    ],
    apiKeys: [
      { key: KEYS.agent, tenantId: 'acme', roles: ['agent'], name: 'acme_agent' },
      { key: KEYS.approver, tenantId: 'acme', roles: ['approver'], name: 'acme_approver' },
      { key: KEYS.admin, tenantId: 'acme', roles: ['admin'], name: 'acme_admin' },
      { key: KEYS.otherAdmin, tenantId: 'globex', roles: ['admin'], name: 'globex_admin' },
    ],
    env: {},
    vaultKey: null,
    logger: { error: () => undefined },
    ...(webhooks ? { webhooks } : {}),
    ...extra,
  });
  open.push(gateway);
  return { gateway, call: caller(gateway.fetch) };
}

async function receiver(...script: Parameters<typeof startReceiver>[0][]): Promise<Receiver> {
  const started = await startReceiver(script[0]);
  open.push(started);
  return started;
}

function endpoint(url: string, events: string[], extra: Record<string, unknown> = {}) {
  return { id: 'on-call', tenantId: 'acme', url, events, secret: SECRET, ...extra };
}

async function deliveries(h: Harness, query = '') {
  const { status, body } = await h.call('GET', `/api/v1/webhook-deliveries${query}`, { key: KEYS.admin });
  expect(status).toBe(200);
  return body.items as Array<Record<string, unknown>>;
}

describe('a signed delivery', { timeout: 30_000 }, () => {
  it('reaches the receiver for each approval step and verifies with the TypeScript SDK', async () => {
    const hooks = await receiver([200]);
    const h = harness({
      endpoints: [endpoint(hooks.url, ['approval.requested', 'approval.approved'])],
      consoleUrl: 'https://actpass.example.com/console/',
      delivery: QUICK,
    });
    const held = await h.call('POST', '/api/v1/actions/preflight', { key: KEYS.agent, body: refund(25000) });
    expect(held.body.decision).toBe('require_approval');
    const [requested] = await hooks.waitFor(1);
    const event = await verifyWebhook(requested!.body, requested!.headers as Record<string, string>, SECRET);
    expect(event).toMatchObject({
      type: 'approval.requested',
      tenant_id: 'acme',
      data: {
        approval: {
          id: held.body.approval_request_id,
          status: 'pending',
          reason_code: 'refund.medium_needs_approval',
        },
        console_url: `https://actpass.example.com/console/#/approvals/${held.body.approval_request_id}`,
      },
    });
    expect(requested!.headers['webhook-id']).toBe(event.id);
    expect(requested!.headers['content-type']).toBe('application/json');

    const approved = await h.call('POST', `/api/v1/approvals/${held.body.approval_request_id}/approve`, {
      key: KEYS.approver,
      body: { note: 'customer verified' },
    });
    expect(approved.status).toBe(200);
    const [, decided] = await hooks.waitFor(2);
    const second = await verifyWebhook(decided!.body, decided!.headers as Record<string, string>, SECRET);
    expect(second).toMatchObject({
      type: 'approval.approved',
      data: { approval: { status: 'approved', decided_by: 'acme_approver', note: 'customer verified' } },
    });
    expect(second.id).not.toBe(event.id);

    // The wrong secret, a changed body and a replay far from its timestamp are all refused.
    const headers = requested!.headers as Record<string, string>;
    await expect(
      verifyWebhook(requested!.body, headers, 'whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY'),
    ).rejects.toMatchObject({
      code: 'invalid_signature',
    });
    await expect(
      verifyWebhook(requested!.body.replace('25000', '95000'), headers, SECRET),
    ).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(
      verifyWebhook(requested!.body, headers, SECRET, { now: Date.now() + 10 * 60_000 }),
    ).rejects.toMatchObject({ code: 'timestamp_out_of_tolerance' });

    const log = await deliveries(h);
    expect(log.map((d) => [d.event_type, d.status, d.attempts, d.last_status])).toEqual([
      ['approval.approved', 'delivered', 1, 200],
      ['approval.requested', 'delivered', 1, 200],
    ]);
  });

  it('verifies with the Python SDK too (module function, sync and async clients)', async () => {
    if (!existsSync(PYTHON)) throw new Error('python/.venv is missing: run `bash scripts/setup.sh`');
    const hooks = await receiver([200]);
    const h = harness({ endpoints: [endpoint(hooks.url, ['decision.blocked'])], delivery: QUICK });
    const denied = await h.call('POST', '/api/v1/actions/preflight', {
      key: KEYS.agent,
      body: refund(60000),
    });
    expect(denied.body.decision).toBe('deny');
    const [delivery] = await hooks.waitFor(1);
    const script = [
      'import json, sys, asyncio',
      'from actpass import webhooks, ActPassClient, AsyncActPassClient, WebhookVerificationError',
      'd = json.load(sys.stdin)',
      'body = d["body"].encode("utf-8")',
      'a = webhooks.verify(body, d["headers"], d["secret"])',
      'b = ActPassClient(api_key="k", base_url="http://127.0.0.1:9").webhooks.verify(d["body"], d["headers"], d["secret"])',
      'c = AsyncActPassClient(api_key="k", base_url="http://127.0.0.1:9").webhooks.verify(body, d["headers"], d["secret"])',
      'try:',
      '    webhooks.verify(body + b" ", d["headers"], d["secret"])',
      '    tampered = "accepted"',
      'except WebhookVerificationError as e:',
      '    tampered = e.code',
      'print(json.dumps([a["type"], a["data"]["decision"]["reason_code"], a == b == c, tampered]))',
    ].join('\n');
    const child = execFile(PYTHON, ['-c', script]);
    child.stdin?.end(JSON.stringify({ body: delivery!.body, headers: delivery!.headers, secret: SECRET }));
    const out = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout?.on('data', (chunk) => {
        text += chunk;
      });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`python exited ${code}`))));
    });
    expect(JSON.parse(out)).toEqual(['decision.blocked', 'refund.large_denied', true, 'invalid_signature']);
  }, 60_000);
});

describe('faults at the receiver', { timeout: 30_000 }, () => {
  it('a receiver that is down: retried with backoff, then dead-lettered; a manual retry delivers once it is back', async () => {
    const down = await refusedUrl();
    const h = harness({ endpoints: [endpoint(down, ['decision.blocked'])], delivery: QUICK });
    const denied = await h.call('POST', '/api/v1/actions/preflight', {
      key: KEYS.agent,
      body: refund(60000),
    });
    expect(denied.body.decision).toBe('deny');
    const dead = await eventually(async () => (await deliveries(h, '?status=dead'))[0]);
    expect(dead).toMatchObject({
      attempts: 3,
      max_attempts: 3,
      last_status: null,
      last_error: 'connection refused',
    });
    // The error is the gateway's own words: no URL, no secret.
    expect(JSON.stringify(dead)).not.toContain('127.0.0.1');

    // The config endpoint cannot be repointed through the API; an API endpoint can.
    const replace = await h.call('PUT', '/api/v1/webhooks/on-call', {
      key: KEYS.admin,
      body: { url: down, events: ['decision.blocked'] },
    });
    expect(replace).toMatchObject({ status: 409, body: { error: { code: 'webhook.configured' } } });
  });

  it('a dead delivery retried by hand, after the endpoint is fixed, is delivered with the same webhook-id', async () => {
    const down = await refusedUrl();
    const h = harness({ delivery: QUICK });
    const put = await h.call('PUT', '/api/v1/webhooks/ops', {
      key: KEYS.admin,
      body: { url: down, events: ['decision.blocked'] },
    });
    expect(put.status).toBe(200);
    const secret = put.body.secret as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    await h.call('POST', '/api/v1/actions/preflight', { key: KEYS.agent, body: refund(60000) });
    const dead = await eventually(async () => (await deliveries(h, '?status=dead'))[0]);

    const hooks = await receiver([200]);
    const repointed = await h.call('PUT', '/api/v1/webhooks/ops', {
      key: KEYS.admin,
      body: { url: hooks.url, events: ['decision.blocked'] },
    });
    expect(repointed.status).toBe(200);
    expect(repointed.body.secret).toBeUndefined();
    const retried = await h.call('POST', `/api/v1/webhook-deliveries/${dead.id}/retry`, { key: KEYS.admin });
    expect(retried).toMatchObject({ status: 200, body: { id: dead.id, status: 'pending', attempts: 0 } });
    const [delivery] = await hooks.waitFor(1);
    expect(delivery!.headers['webhook-id']).toBe(dead.event_id);
    // The secret generated at creation still signs after the URL changed.
    await expect(
      verifyWebhook(delivery!.body, delivery!.headers as Record<string, string>, secret),
    ).resolves.toMatchObject({
      type: 'decision.blocked',
    });
    const done = await eventually(async () => (await deliveries(h, '?status=delivered'))[0]);
    expect(done).toMatchObject({ id: dead.id, attempts: 1, last_status: 200, last_error: null });
  });

  it('a receiver answering 500, then 200: delivered on the second attempt, same id, each attempt signed afresh', async () => {
    const hooks = await receiver([500, 200]);
    const h = harness({ endpoints: [endpoint(hooks.url, ['approval.requested'])], delivery: QUICK });
    await h.call('POST', '/api/v1/actions/preflight', { key: KEYS.agent, body: refund(25000) });
    const [first, second] = await hooks.waitFor(2);
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(second!.body).toBe(first!.body);
    for (const attempt of [first!, second!]) {
      await expect(
        verifyWebhook(attempt.body, attempt.headers as Record<string, string>, SECRET),
      ).resolves.toBeTruthy();
    }
    const done = await eventually(async () => (await deliveries(h, '?status=delivered'))[0]);
    expect(done).toMatchObject({ attempts: 2, last_status: 200, last_error: null });
  });

  it('a receiver that never answers: each attempt times out, then the delivery is dead', async () => {
    const hooks = await receiver(['hang']);
    const h = harness({
      endpoints: [endpoint(hooks.url, ['approval.requested'])],
      delivery: { ...QUICK, timeoutMs: 150, maxAttempts: 2 },
    });
    await h.call('POST', '/api/v1/actions/preflight', { key: KEYS.agent, body: refund(25000) });
    const dead = await eventually(async () => (await deliveries(h, '?status=dead'))[0]);
    expect(dead).toMatchObject({ attempts: 2, last_error: 'timed out after 150 ms', last_status: null });
    expect(hooks.received).toHaveLength(2);
  });

  it('a receiver that answers 200 with an endless body: delivered at once, the body never read', async () => {
    const hooks = await receiver(['endless']);
    const h = harness({
      endpoints: [endpoint(hooks.url, ['approval.requested'])],
      delivery: { ...QUICK, timeoutMs: 30_000 },
    });
    await h.call('POST', '/api/v1/actions/preflight', { key: KEYS.agent, body: refund(25000) });
    const done = await eventually(async () => (await deliveries(h, '?status=delivered'))[0], 10_000);
    expect(done).toMatchObject({ attempts: 1, last_status: 200, last_error: null });
  });

  it('decisions are answered while a receiver holds every delivery open', async () => {
    const hooks = await receiver(['hang']);
    const h = harness({
      endpoints: [endpoint(hooks.url, ['decision.blocked', 'approval.requested'])],
      delivery: { ...QUICK, timeoutMs: 60_000, concurrency: 2 },
    });
    await h.call('POST', '/api/v1/actions/preflight', { key: KEYS.agent, body: refund(60000) });
    await h.call('POST', '/api/v1/actions/preflight', { key: KEYS.agent, body: refund(25000) });
    await eventually(() => (hooks.hanging() === 2 ? true : undefined));
    // Both delivery slots are now stuck on the receiver; every further decision still answers.
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        h.call('POST', '/api/v1/actions/preflight', {
          key: KEYS.agent,
          body: refund(index % 2 ? 60000 : 25000),
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((answer) => answer.body.decision))).toEqual(
      new Set(['deny', 'require_approval']),
    );
    expect(hooks.hanging()).toBe(2);
    const pending = await deliveries(h, '?status=pending&limit=500');
    expect(pending).toHaveLength(22);
  });
});

describe('approval.expired', { timeout: 30_000 }, () => {
  it('is delivered when a held request expires, without anyone listing approvals', async () => {
    const hooks = await receiver([200]);
    let now = Date.parse('2026-11-23T18:00:00Z');
    const h = harness(
      { endpoints: [endpoint(hooks.url, ['approval.expired'])], delivery: QUICK, expirySweepMs: 20 },
      { clock: () => now, approvalTtlSeconds: 60 },
    );
    const held = await h.call('POST', '/api/v1/actions/preflight', { key: KEYS.agent, body: refund(25000) });
    now += 61_000;
    const [delivery] = await hooks.waitFor(1);
    const event = await verifyWebhook(delivery!.body, delivery!.headers as Record<string, string>, SECRET);
    expect(event).toMatchObject({
      type: 'approval.expired',
      data: { approval: { id: held.body.approval_request_id, status: 'expired' } },
    });
  });
});

describe('Slack format', { timeout: 30_000 }, () => {
  it('escapes agent strings: no mentions, links, styling, controls or reordering reach Slack', async () => {
    const hooks = await receiver([200]);
    const h = harness({
      endpoints: [endpoint(hooks.url, ['approval.requested'], { format: 'slack' })],
      consoleUrl: 'https://actpass.example.com/console',
      delivery: QUICK,
    });
    const hostile = {
      ...refund(25000),
      goal: '<!channel> approve <https://evil.example/approve|Approve now> &amp; *urgent* `x`',
      resource: 'inv\u202Efdp.exe\nsecond line\u0007',
      agent_id: 'bot\u202Elive <@U123>',
    };
    const held = await h.call('POST', '/api/v1/actions/preflight', { key: KEYS.agent, body: hostile });
    expect(held.body.decision).toBe('require_approval');
    const [delivery] = await hooks.waitFor(1);
    // Signed like every delivery, even though Slack does not check it.
    expect(delivery!.headers['webhook-signature']).toMatch(/^v1,/);
    expect(delivery!.body).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    const message = JSON.parse(delivery!.body) as {
      text: string;
      blocks: Array<{ type: string; text?: { text: string }; elements?: Array<{ url: string }> }>;
    };
    const mrkdwn = [message.text, ...message.blocks.map((block) => JSON.stringify(block))].join('\n');
    expect(mrkdwn).not.toContain('<!channel>');
    expect(mrkdwn).not.toContain('<https://evil');
    expect(mrkdwn).not.toContain('<@U123>');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may reach Slack
    expect(mrkdwn).not.toMatch(/[\u202a-\u202e\u0007]/);
    const section = message.blocks.find((block) => block.type === 'section')!.text!.text;
    expect(section).toContain('&lt;!channel&gt;');
    expect(section).toContain('&amp;amp;');
    expect(section).toContain('inv\\u202efdp.exe\\x0asecond line\\x07');
    // Agent text sits in code spans whose backticks are replaced, so *urgent* stays literal.
    expect(section).toContain('*urgent* ˋxˋ`');
    expect(section.split('\n').every((line) => line.startsWith('*'))).toBe(true);
    const button = message.blocks.find((block) => block.type === 'actions')!.elements![0]!;
    expect(button.url).toBe(
      `https://actpass.example.com/console/#/approvals/${held.body.approval_request_id}`,
    );
    expect(message.text).toMatch(/^Approval requested apr_/);
  });
});

describe('the admin API', { timeout: 30_000 }, () => {
  it('validates endpoints, never returns a secret or a whole URL, and keeps tenants apart', async () => {
    const h = harness({ delivery: QUICK });
    const put = (id: string, body: unknown, key = KEYS.admin) =>
      h.call('PUT', `/api/v1/webhooks/${id}`, { key, body });

    const plain = await put('a', { url: 'http://hooks.example.com/x', events: ['approval.requested'] });
    expect(plain).toMatchObject({ status: 400, body: { error: { details: [{ path: 'body.url' }] } } });
    expect(plain.body.error.message).toContain('https');
    const withPassword = await put('a', {
      url: 'https://user:hunter2@hooks.example.com/x',
      events: ['approval.requested'],
    });
    expect(withPassword.status).toBe(400);
    expect(JSON.stringify(withPassword.body)).not.toContain('hunter2');
    const badSecret = await put('a', {
      url: 'https://hooks.example.com/x',
      events: ['approval.requested'],
      secret: 'whsec_c2hvcnQ=',
    });
    expect(badSecret).toMatchObject({ status: 400, body: { error: { details: [{ path: 'body.secret' }] } } });
    expect(JSON.stringify(badSecret.body)).not.toContain('c2hvcnQ');
    const unknownEvent = await put('a', {
      url: 'https://hooks.example.com/x',
      events: ['approval.everything'],
    });
    expect(unknownEvent.status).toBe(400);
    const ftp = await put('a', { url: 'ftp://hooks.example.com/x', events: ['approval.requested'] });
    expect(ftp.status).toBe(400);

    const slack = await put('slack', {
      url: 'https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX',
      events: ['approval.requested'],
      format: 'slack',
      secret: SECRET,
    });
    expect(slack.status).toBe(200);
    expect(slack.body).toMatchObject({
      url: 'https://hooks.slack.com/services/…',
      source: 'api',
      enabled: true,
    });
    expect(slack.body.secret).toBeUndefined();
    const listed = await h.call('GET', '/api/v1/webhooks', { key: KEYS.admin });
    expect(JSON.stringify(listed.body)).not.toContain('XXXXSECRETXXXX');
    expect(JSON.stringify(listed.body)).not.toContain(SECRET.slice(6));
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual(['slack']);

    // Another tenant's admin sees nothing and cannot touch it; an agent key may not call it at all.
    const other = await h.call('GET', '/api/v1/webhooks/slack', { key: KEYS.otherAdmin });
    expect(other.status).toBe(404);
    expect((await h.call('GET', '/api/v1/webhooks', { key: KEYS.otherAdmin })).body.items).toEqual([]);
    expect((await h.call('GET', '/api/v1/webhooks', { key: KEYS.agent })).status).toBe(403);
    expect((await h.call('GET', '/api/v1/webhook-deliveries', { key: KEYS.approver })).status).toBe(403);

    const removed = await h.call('DELETE', '/api/v1/webhooks/slack', { key: KEYS.admin });
    expect(removed).toMatchObject({ status: 200, body: { id: 'slack', deleted: true } });
    expect((await h.call('DELETE', '/api/v1/webhooks/slack', { key: KEYS.admin })).status).toBe(404);

    // Who pointed notifications where is sealed in the ledger: the refused PUTs left nothing, and
    // neither the secret nor the URL's path is recorded.
    const events: Array<{ type: string; data: Record<string, unknown> }> = [];
    for await (const event of h.gateway.stores.ledger.events('acme')) events.push(event as never);
    const changes = events.filter((event) => event.type.startsWith('webhook.'));
    expect(
      changes.map((event) => [event.type, event.data.webhook_id, event.data.url, event.data.secret]),
    ).toEqual([
      ['webhook.configured', 'slack', 'https://hooks.slack.com/services/…', 'given'],
      ['webhook.deleted', 'slack', undefined, undefined],
    ]);
    expect(changes[0]?.data).toMatchObject({
      events: ['approval.requested'],
      format: 'slack',
      enabled: true,
    });
    expect(JSON.stringify(events)).not.toContain(SECRET.slice(6));
    expect(JSON.stringify(events)).not.toContain('XXXXSECRETXXXX');
  });

  it('refuses a bad configured endpoint at start, naming the field', () => {
    expect(() =>
      harness({ endpoints: [endpoint('http://example.com/hook', ['approval.requested'])] }),
    ).toThrow(/webhooks\[0\]\.url: must use https/);
    expect(() =>
      harness({
        endpoints: [endpoint('https://example.com/hook', ['approval.requested'], { secret: 'nope' })],
      }),
    ).toThrow(/webhooks\[0\]\.secret/);
    expect(() =>
      harness({
        endpoints: [{ ...endpoint('https://example.com/hook', ['approval.requested']), tenantId: 'acmee' }],
      }),
    ).toThrow(/webhooks\[0\]\.tenantId: "acmee" is not one of the gateway's tenants \(acme, globex\)/);
  });

  it('counts deliveries in the metrics', async () => {
    const hooks = await receiver([500, 200]);
    const h = harness(
      { endpoints: [endpoint(hooks.url, ['approval.requested'])], delivery: QUICK },
      { metrics: true },
    );
    await h.call('POST', '/api/v1/actions/preflight', { key: KEYS.agent, body: refund(25000) });
    await eventually(async () => (await deliveries(h, '?status=delivered'))[0]);
    const text = h.gateway.metrics() ?? '';
    expect(text).toContain('actpass_webhook_deliveries_total{outcome="failed",event="approval.requested"} 1');
    expect(text).toContain(
      'actpass_webhook_deliveries_total{outcome="delivered",event="approval.requested"} 1',
    );
    expect(text).toContain('actpass_webhook_deliveries_pending 0');
  });
});
