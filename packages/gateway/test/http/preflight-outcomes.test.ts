/**
 * Outcome records carried on a preflight (`outcomes`): recorded as `action.outcome` events before the
 * new decision, each bound to a decision made for the same key in the same tenant, and a batch with
 * one bad record refused whole, naming it, with nothing recorded and nothing decided.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileStores, createGateway } from '../../src/index.js';
import { caller } from './helpers.js';

const PREFLIGHT = '/api/v1/actions/preflight';
const KEYS = {
  agent: 'ak_outcomes_agent_000001',
  second: 'ak_outcomes_second_00001',
  foreign: 'ak_outcomes_foreign_0001',
};
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function open(ledger: 'memory' | 'file') {
  let stores: ReturnType<typeof createFileStores> | undefined;
  if (ledger === 'file') {
    const dir = await mkdtemp(path.join(tmpdir(), 'actpass-outcomes-'));
    dirs.push(dir);
    stores = createFileStores(dir);
  }
  const gateway = createGateway({
    tenants: [
      { id: 'acme', policy: 'refunds' },
      { id: 'globex', policy: 'refunds' },
    ],
    apiKeys: [
      { key: KEYS.agent, tenantId: 'acme', roles: ['agent'] },
      { key: KEYS.second, tenantId: 'acme', roles: ['agent'] },
      { key: KEYS.foreign, tenantId: 'globex', roles: ['agent'] },
    ],
    ...(stores ? { stores } : {}),
  });
  const call = caller(gateway.fetch);
  const decide = async (key: string, outcomes?: unknown) => {
    const body = {
      goal: 'resolve_refund_request',
      tool: 'stripe.refund.create',
      args: { amount: 1200, currency: 'usd' },
      ...(outcomes !== undefined ? { outcomes } : {}),
    };
    return call('POST', PREFLIGHT, { key, body });
  };
  const events = async (tenantId = 'acme') => {
    const all: Array<{ type: string; seq: number; data: Record<string, unknown> }> = [];
    for await (const event of gateway.stores.ledger.events(tenantId)) all.push(event as never);
    return all;
  };
  return { gateway, decide, events };
}

const outcomeOf = (id: string, extra: Record<string, unknown> = {}) => ({
  via: 'proxy',
  tool: 'stripe.refund.create',
  decision_event_id: id,
  status: 200,
  duration_ms: 1.5,
  ...extra,
});

describe.each(['memory', 'file'] as const)('outcomes on a preflight (%s ledger)', (ledger) => {
  it('records each outcome as action.outcome before the new decision, with the data given', async () => {
    const { gateway, decide, events } = await open(ledger);
    const first = await decide(KEYS.agent);
    const second = await decide(KEYS.agent);
    expect(first.body.decision).toBe('allow');
    const sent = [
      outcomeOf(first.body.evidence_event_id),
      outcomeOf(second.body.evidence_event_id, { status: 502 }),
    ];
    const third = await decide(KEYS.agent, sent);
    expect(third.status).toBe(200);
    expect(third.body.decision).toBe('allow');
    const chain = await events();
    const tail = chain.slice(-3);
    expect(tail.map((event) => event.type)).toEqual(['action.outcome', 'action.outcome', 'decision']);
    for (const [index, event] of tail.slice(0, 2).entries()) {
      const { written_by, ...data } = event.data;
      expect(data).toEqual(sent[index]);
      expect(written_by).toEqual(chain.find((e) => e.type === 'decision')?.data.written_by);
    }
    expect((tail[2] as { id?: string }).id).toBe(third.body.evidence_event_id);
    await gateway.close();
  });

  it('refuses the whole batch, naming the record, for decisions of another key, another tenant, or none', async () => {
    const { gateway, decide, events } = await open(ledger);
    const mine = (await decide(KEYS.agent)).body.evidence_event_id as string;
    const theirs = (await decide(KEYS.second)).body.evidence_event_id as string;
    const foreign = (await decide(KEYS.foreign)).body.evidence_event_id as string;
    const policyEvent = (await events()).find((event) => event.type !== 'decision') as
      | { id?: string }
      | undefined;
    const cases: Array<[unknown[], string]> = [
      [[outcomeOf(mine), outcomeOf(theirs)], 'body.outcomes[1].decision_event_id'],
      [[outcomeOf(foreign)], 'body.outcomes[0].decision_event_id'],
      [[outcomeOf(mine), outcomeOf('ev_01NOSUCHDECISION0000000000')], 'body.outcomes[1].decision_event_id'],
      [[outcomeOf(mine), outcomeOf(mine)], 'body.outcomes[1].decision_event_id'],
      [
        [outcomeOf(mine, { written_by: { key_id: 'forged', roles: ['gateway'] } })],
        'body.outcomes[0].written_by',
      ],
      [[outcomeOf(mine, { credential: { name: 'k', value: 'sk_live_NEVER' } })], 'body.outcomes[0]'],
      [[{ tool: 'x' }], 'body.outcomes[0].decision_event_id'],
      [[outcomeOf('../../etc/passwd')], 'body.outcomes[0].decision_event_id'],
      // The SDKs' spelling beside it may not point somewhere else (a reader could follow either).
      [[outcomeOf(mine, { evidence_event_id: theirs })], 'body.outcomes[0].evidence_event_id'],
      [Array.from({ length: 17 }, () => outcomeOf(mine)), 'body.outcomes'],
    ];
    if (policyEvent?.id) cases.push([[outcomeOf(policyEvent.id)], 'body.outcomes[0].decision_event_id']);
    const before = await events();
    for (const [outcomes, field] of cases) {
      const answer = await decide(KEYS.agent, outcomes);
      expect(answer.status, field).toBe(400);
      expect(answer.body.error.code).toBe('request.invalid');
      expect(answer.body.error.message.startsWith(`${field}:`), answer.body.error.message).toBe(true);
      expect(answer.body.error.message).not.toContain('sk_live_NEVER');
    }
    expect(await events()).toEqual(before);
    await gateway.close();
  });
});
