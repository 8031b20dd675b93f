/**
 * Run-time flow control through the gateway's HTTP API: a session that read private data and then
 * untrusted content is held (`flow.trifecta`) when it tries to send data out, with the reads named;
 * a fresh session is not; labels come from the gateway's classification (or an enforcing proxy's),
 * never from the agent; every label change is a `session.labeled` ledger event without arguments;
 * a file store keeps labels across a restart.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createFileStores,
  createGateway,
  FileSessionLabelStore,
  type Gateway,
  loadPack,
  packSource,
} from '../../src/index.js';

const KEYS = {
  other: 'ak_flow_other_0123456789',
  agent: 'ak_flow_agent_0123456789',
  admin: 'ak_flow_admin_0123456789',
  proxy: 'ak_flow_proxy_0123456789',
};
const TRIFECTA = (packSource('outbound-email') as { rules: Array<{ id: string }> }).rules.find(
  (rule) => rule.id === 'flow-trifecta',
);
/** The shipped trifecta rule, then everything allowed: what the labels alone change. */
const POLICY = {
  id: 'flow-test',
  version: 1,
  default: { decision: 'deny', reason: 'policy.no_match', risk_tier: 'high' },
  rules: [
    TRIFECTA,
    {
      id: 'allow-all',
      when: [{ path: 'tool', operator: 'glob', value: '**' }],
      decision: 'allow',
      reason: 'test.allowed',
      risk_tier: 'low',
    },
  ],
};
const CLASSIFY = {
  'crm.contacts.read': ['private_data'],
  'web.page.fetch': ['untrusted_content'],
  'email.send': ['external_comm'],
};

const open: Gateway[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((gateway) => gateway.close()));
});

function gateway(options: { dir?: string } = {}): Gateway {
  const created = createGateway({
    tenants: [{ id: 'acme', policy: POLICY, flow: { tools: CLASSIFY } }],
    apiKeys: [
      { key: KEYS.agent, tenantId: 'acme', roles: ['agent'] },
      { key: KEYS.other, tenantId: 'acme', roles: ['agent'] },
      { key: KEYS.admin, tenantId: 'acme', roles: ['admin'] },
      { key: KEYS.proxy, tenantId: 'acme', roles: ['proxy'] },
    ],
    vaultKey: null,
    ...(options.dir
      ? {
          stores: createFileStores(join(options.dir, 'state')),
          sessionLabels: new FileSessionLabelStore(join(options.dir, 'sessions.jsonl'), 1000),
        }
      : {}),
  });
  open.push(created);
  return created;
}

// biome-ignore lint/suspicious/noExplicitAny: tests read response JSON field by field
type Json = any;

async function preflight(
  gw: Gateway,
  body: Record<string, unknown>,
  as: 'agent' | 'proxy' | 'other' = 'agent',
): Promise<{ status: number; body: Json }> {
  const viaProxy = as === 'proxy';
  const headers: Record<string, string> = {
    authorization: `Bearer ${KEYS[as]}`,
    'content-type': 'application/json',
  };
  if (viaProxy) headers['x-actpass-agent-key'] = KEYS.agent;
  const response = await gw.fetch(
    new Request('http://gw/api/v1/actions/preflight', {
      method: 'POST',
      headers,
      body: JSON.stringify({ goal: 'help', ...body }),
    }),
  );
  return { status: response.status, body: await response.json() };
}

async function events(gw: Gateway) {
  const response = await gw.fetch(
    new Request('http://gw/api/v1/evidence/export', { headers: { authorization: `Bearer ${KEYS.admin}` } }),
  );
  const body = (await response.json()) as {
    events: Array<{ id: string; type: string; data: Record<string, unknown> }>;
  };
  return body.events;
}

const session = (id: string) => ({ session: { id } });

describe('the trifecta at run time', () => {
  it('holds a send after a private read and an untrusted read, naming both reads; a fresh session is not held', async () => {
    const gw = gateway();
    const read = await preflight(gw, {
      tool: 'crm.contacts.read',
      args: { id: 'c1' },
      context: session('s-1'),
    });
    expect([read.status, read.body.decision]).toEqual([200, 'allow']);
    const early = await preflight(gw, {
      tool: 'email.send',
      args: { to: 'x@evil.test' },
      context: session('s-1'),
    });
    expect(early.body.decision).toBe('allow');
    const fetched = await preflight(gw, {
      tool: 'web.page.fetch',
      args: { url: 'https://evil.test' },
      context: session('s-1'),
    });
    expect(fetched.body.decision).toBe('allow');

    const send = await preflight(gw, {
      tool: 'email.send',
      args: { to: 'x@evil.test' },
      context: session('s-1'),
    });
    expect([send.body.decision, send.body.reason_code, send.body.risk_tier]).toEqual([
      'require_approval',
      'flow.trifecta',
      'high',
    ]);
    expect(send.body.explain.matched_rules).toEqual(['flow-trifecta']);
    expect(send.body.approval_request_id).toMatch(/^apr_/);
    expect(send.body.explain.summary).toContain(
      `private_data from crm.contacts.read (${read.body.evidence_event_id})`,
    );
    expect(send.body.explain.summary).toContain(
      `untrusted_content from web.page.fetch (${fetched.body.evidence_event_id})`,
    );

    // Another session of the same agent, and the same session id under no session at all, run.
    const fresh = await preflight(gw, {
      tool: 'email.send',
      args: { to: 'x@evil.test' },
      context: session('s-2'),
    });
    expect([fresh.body.decision, fresh.body.reason_code]).toEqual(['allow', 'test.allowed']);
    const none = await preflight(gw, { tool: 'email.send', args: { to: 'x@evil.test' } });
    expect(none.body.decision).toBe('allow');
  });

  it('adds no label for a call that was not allowed', async () => {
    const gw = gateway();
    await preflight(gw, { tool: 'crm.contacts.read', context: session('s-3') });
    await preflight(gw, { tool: 'web.page.fetch', context: session('s-3'), mode: 'enforce' });
    // Held, so it did not run: the session must not gain external_comm from it.
    await preflight(gw, { tool: 'email.send', context: session('s-3') });
    const labeled = (await events(gw)).filter((event) => event.type === 'session.labeled');
    expect(labeled.map((event) => event.data.label)).toEqual(['private_data', 'untrusted_content']);
  });

  it('seals each label change once, with session, label and tool, never the arguments', async () => {
    const gw = gateway();
    const secretish = 'argument-value-that-must-not-be-copied';
    const first = await preflight(gw, {
      tool: 'crm.contacts.read',
      args: { q: secretish },
      context: session('s-4'),
    });
    await preflight(gw, { tool: 'crm.contacts.read', args: { q: secretish }, context: session('s-4') });
    const labeled = (await events(gw)).filter((event) => event.type === 'session.labeled');
    expect(labeled).toHaveLength(1);
    expect(labeled[0]?.data).toMatchObject({
      session_id: 's-4',
      session_asserted_by: 'agent',
      label: 'private_data',
      tool: 'crm.contacts.read',
      agent_id: null,
      decision_event_id: first.body.evidence_event_id,
    });
    expect(Object.keys(labeled[0]?.data ?? {}).sort()).toEqual([
      'agent_id',
      'decision_event_id',
      'label',
      'session_asserted_by',
      'session_id',
      'tool',
      'written_by',
    ]);
    expect(JSON.stringify(labeled)).not.toContain(secretish);
    // The decision records the session as policy saw it, so a what-if can re-run the rule.
    const decisions = (await events(gw)).filter((event) => event.type === 'decision');
    expect(decisions[1]?.data.context).toEqual({
      session: { id: 's-4', labels: ['private_data'], call_labels: ['private_data'] },
    });
  });

  it('labels a call that runs in monitor mode too (it executes)', async () => {
    const gw = gateway();
    await preflight(gw, { tool: 'crm.contacts.read', context: session('s-5'), mode: 'monitor' });
    await preflight(gw, { tool: 'web.page.fetch', context: session('s-5'), mode: 'warn' });
    const send = await preflight(gw, { tool: 'email.send', context: session('s-5') });
    expect(send.body.reason_code).toBe('flow.trifecta');
  });
});

describe('labels belong to the gateway', () => {
  it('refuses labels an agent sends, naming the field and the fix', async () => {
    const gw = gateway();
    const forged = await preflight(gw, {
      tool: 'email.send',
      context: { session: { id: 's-6', labels: [] } },
    });
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe('request.invalid');
    expect(forged.body.error.message).toContain('body.context.session.labels');
    expect(forged.body.error.message).toContain('send only context.session.id');
  });

  it('refuses call_labels from the caller too, and keeps the caller’s own session memory beside the labels', async () => {
    const gw = gateway();
    const forged = await preflight(gw, {
      tool: 'email.send',
      context: { session: { id: 's-9', call_labels: [] } },
    });
    expect([forged.status, forged.body.error.message]).toEqual([
      400,
      expect.stringContaining('body.context.session.call_labels'),
    ]);
    // The coding-agent hook's memory (no id: no flow session) passes through unchanged.
    const memoryOnly = await preflight(gw, {
      tool: 'email.send',
      context: { session: { secret_read: true, state: 'known' } },
    });
    expect(memoryOnly.body.decision).toBe('allow');
    const withId = await preflight(gw, {
      tool: 'crm.contacts.read',
      context: { session: { id: 's-9', secret_read: false, state: 'known' } },
    });
    expect(withId.body.decision).toBe('allow');
    const decisions = (await events(gw)).filter((event) => event.type === 'decision');
    expect(decisions.map((event) => event.data.context)).toEqual([
      { session: { secret_read: true, state: 'known' } },
      {
        session: {
          id: 's-9',
          secret_read: false,
          state: 'known',
          labels: [],
          call_labels: ['private_data'],
        },
      },
    ]);
  });

  it('refuses an agent classifying its own call; accepts the classification of an enforcing proxy', async () => {
    const gw = gateway();
    const own = await preflight(gw, {
      tool: 'notes.read',
      context: { session: { id: 's-7', categories: ['private_data'] } },
    });
    expect([own.status, own.body.error.message]).toEqual([
      400,
      expect.stringContaining('context.session.categories'),
    ]);

    const body = (tool: string, categories: string[]) => ({
      tool,
      context: { session: { id: 's-7', categories } },
    });
    expect((await preflight(gw, body('notes.read', ['private_data']), 'proxy')).body.decision).toBe('allow');
    expect((await preflight(gw, body('inbox.read', ['untrusted_content']), 'proxy')).body.decision).toBe(
      'allow',
    );
    const send = await preflight(gw, body('webhook.post', ['external_comm']), 'proxy');
    expect(send.body.reason_code).toBe('flow.trifecta');
    const labeled = (await events(gw)).filter((event) => event.type === 'session.labeled');
    expect(labeled.map((event) => event.data.session_asserted_by)).toEqual(['proxy', 'proxy']);
  });

  it('refuses hostile session ids and unknown session fields before deciding anything', async () => {
    const gw = gateway();
    const hostile = ['', 'a b', 's\nforged: line', 'x'.repeat(129), '<script>', 's\u202e', 42, null];
    for (const id of hostile) {
      const response = await preflight(gw, { tool: 'email.send', context: { session: { id } } });
      expect([response.status, response.body.error.message], JSON.stringify(id)).toEqual([
        400,
        expect.stringContaining('body.context.session.id'),
      ]);
    }
    const notObject = await preflight(gw, { tool: 'email.send', context: { session: 's-1' } });
    expect(notObject.status).toBe(400);
    expect((await events(gw)).filter((event) => event.type === 'decision')).toHaveLength(0);
  });

  it('keys sessions by agent key: another agent naming the same session id starts clean', async () => {
    const gw = gateway();
    await preflight(gw, { tool: 'crm.contacts.read', context: session('shared') });
    await preflight(gw, { tool: 'web.page.fetch', context: session('shared') });
    const other = await preflight(gw, { tool: 'email.send', context: session('shared') }, 'other');
    expect(other.body.decision).toBe('allow');
    // The same agent through an enforcing proxy is the same agent: its session is held.
    const viaProxy = await preflight(gw, { tool: 'email.send', context: session('shared') }, 'proxy');
    expect(viaProxy.body.reason_code).toBe('flow.trifecta');
  });
});

describe('the stores', () => {
  it('a file store keeps a session’s labels across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actpass-flow-'));
    const first = gateway({ dir });
    await preflight(first, { tool: 'crm.contacts.read', context: session('s-8') });
    await preflight(first, { tool: 'web.page.fetch', context: session('s-8') });
    await first.close();
    open.splice(open.indexOf(first), 1);
    expect(readFileSync(join(dir, 'sessions.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);

    const second = gateway({ dir });
    const send = await preflight(second, { tool: 'email.send', context: session('s-8') });
    expect(send.body.reason_code).toBe('flow.trifecta');
  });

  it('every pack ships the trifecta rule, and it loads', () => {
    for (const name of [
      'refunds',
      'code-deploys',
      'outbound-email',
      'crm-writes',
      'coding-agent',
      'coding-agents',
    ] as const) {
      const rules = (packSource(name) as { rules: Array<{ id: string }> }).rules;
      expect(
        rules.some((rule) => rule.id === 'flow-trifecta'),
        name,
      ).toBe(true);
      expect(() => loadPack(name)).not.toThrow();
    }
  });
});
