/**
 * The cases for `POST /evidence` with `type: "action.outcome"`, run against a real gateway served on
 * loopback (node:http) over whichever stores the calling file opens: the record must name a `decision`
 * event of this tenant written for the calling key, and "no such decision" and "someone else's" get
 * one and the same answer. Shared by the memory/file run (test/http) and the PostgreSQL run
 * (test/postgres), so every store answers the same.
 */
import { ActPass } from '@actpass/sdk';
import { afterEach, expect, it } from 'vitest';
import { createGateway, type GatewayStores } from '../../src/index.js';
import { type Caller, caller } from './helpers.js';

export const BINDING_KEYS = {
  agent: 'ak_binding_agent_0000001',
  second: 'ak_binding_second_000001',
  foreign: 'ak_binding_foreign_00001',
  admin: 'ak_binding_admin_0000001',
};
const PREFLIGHT = '/api/v1/actions/preflight';
const EVIDENCE = '/api/v1/evidence';
const NO_DECISION = 'names no decision made for this key';
const FIX = 'send the evidence_event_id of a decision this key was given';

type Opened = { stores?: Partial<GatewayStores>; close?: () => Promise<void> };

/** Registers the cases; `open` gives each test fresh stores (none: the gateway's memory stores). */
export function outcomeBindingCases(open: () => Promise<Opened>): void {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function serve() {
    const opened = await open();
    const gateway = createGateway({
      tenants: [
        { id: 'acme', policy: 'refunds' },
        { id: 'globex', policy: 'refunds' },
      ],
      apiKeys: [
        { key: BINDING_KEYS.agent, tenantId: 'acme', roles: ['agent'] },
        { key: BINDING_KEYS.second, tenantId: 'acme', roles: ['agent'] },
        { key: BINDING_KEYS.foreign, tenantId: 'globex', roles: ['agent'] },
        { key: BINDING_KEYS.admin, tenantId: 'acme', roles: ['admin'] },
      ],
      ...(opened.stores ? { stores: opened.stores } : {}),
    });
    const running = await gateway.listen({ host: '127.0.0.1', port: 0 });
    closers.push(async () => {
      await running.close();
      await gateway.close();
      await opened.close?.();
    });
    const call: Caller = caller((request) => fetch(request), running.url);
    const decide = async (key: string) => {
      const answer = await call('POST', PREFLIGHT, {
        key,
        body: { goal: 'resolve_refund_request', tool: 'stripe.refund.create', args: { amount: 1200 } },
      });
      expect(answer.status).toBe(200);
      return answer.body.evidence_event_id as string;
    };
    const record = (key: string, data: Record<string, unknown>) =>
      call('POST', EVIDENCE, { key, body: { type: 'action.outcome', data } });
    const outcomes = async () => {
      const page = await call('GET', `${EVIDENCE}?type=action.outcome&limit=1000`, {
        key: BINDING_KEYS.admin,
      });
      return page.body.events as Array<{ data: Record<string, unknown> }>;
    };
    return { call, decide, record, outcomes, url: running.url };
  }

  const outcome = (field: string, id: unknown) => ({
    [field]: id,
    tool: 'stripe.refund.create',
    outcome: 'ok',
  });

  it('records an outcome naming a decision made for the calling key (either spelling)', async () => {
    const { decide, record, outcomes } = await serve();
    const mine = await decide(BINDING_KEYS.agent);
    const proxied = await record(BINDING_KEYS.agent, outcome('decision_event_id', mine));
    expect(proxied.status).toBe(201);
    expect(proxied.body.data).toMatchObject({ decision_event_id: mine, written_by: { roles: ['agent'] } });
    // The SDKs' guard() names the decision by the field it was given, `evidence_event_id`.
    const other = await decide(BINDING_KEYS.agent);
    const guarded = await record(BINDING_KEYS.agent, outcome('evidence_event_id', other));
    expect(guarded.status).toBe(201);
    const both = await decide(BINDING_KEYS.agent);
    const spelled = await record(BINDING_KEYS.agent, { decision_event_id: both, evidence_event_id: both });
    expect(spelled.status).toBe(201);
    expect(
      (await outcomes()).map((event) => event.data.evidence_event_id ?? event.data.decision_event_id),
    ).toEqual([mine, other, both]);
  });

  it('gives one answer for another key’s decision, another tenant’s, an invented one and a non-decision', async () => {
    const { call, decide, record, outcomes } = await serve();
    const mine = await decide(BINDING_KEYS.agent);
    const theirs = await decide(BINDING_KEYS.second);
    const foreign = await decide(BINDING_KEYS.foreign);
    const note = await call('POST', EVIDENCE, {
      key: BINDING_KEYS.agent,
      body: { type: 'app.note', data: {} },
    });
    expect(note.status).toBe(201);
    const ownOutcome = await record(BINDING_KEYS.agent, outcome('decision_event_id', mine));
    expect(ownOutcome.status).toBe(201);
    const before = await outcomes();
    const refused = [
      theirs, // this tenant, another key
      foreign, // another tenant
      'ev_01NOSUCHDECISION0000000000', // never existed
      note.body.id, // an event of this key, not a decision
      ownOutcome.body.id, // an outcome is not a decision either
    ];
    const messages = new Set<string>();
    for (const field of ['decision_event_id', 'evidence_event_id']) {
      for (const id of refused) {
        const answer = await record(BINDING_KEYS.agent, outcome(field, id));
        expect(answer.status, `${field} ${id}`).toBe(400);
        expect(answer.body.error.code).toBe('request.invalid');
        expect(answer.body.error.details).toEqual([{ path: `body.data.${field}`, message: NO_DECISION }]);
        messages.add(answer.body.error.message);
      }
    }
    expect([...messages].sort()).toEqual([
      `body.data.decision_event_id: ${NO_DECISION}; ${FIX}.`,
      `body.data.evidence_event_id: ${NO_DECISION}; ${FIX}.`,
    ]);
    expect(await outcomes()).toEqual(before);
  });

  it('refuses a record naming no decision, two different ones, or a hostile or non-string id, echoing none', async () => {
    const { decide, record, outcomes } = await serve();
    const mine = await decide(BINDING_KEYS.agent);
    const theirs = await decide(BINDING_KEYS.second);
    const hostile = [
      "ev_x' OR '1'='1",
      '../../etc/passwd',
      `ev_${'A'.repeat(5000)}`,
      '<script>alert(1)</script>',
      'ev_\u0000\r\nX-Injected: 1',
    ];
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ tool: 'stripe.refund.create', outcome: 'ok' }, 'body.data.decision_event_id'],
      [{ decision_event_id: mine, evidence_event_id: theirs }, 'body.data.evidence_event_id'],
      [{ decision_event_id: null, evidence_event_id: null }, 'body.data.evidence_event_id'],
      [outcome('decision_event_id', null), 'body.data.decision_event_id'],
      [outcome('evidence_event_id', 42), 'body.data.evidence_event_id'],
      [outcome('decision_event_id', [mine]), 'body.data.decision_event_id'],
      ...hostile.map((id): [Record<string, unknown>, string] => [
        outcome('decision_event_id', id),
        'body.data.decision_event_id',
      ]),
    ];
    for (const [data, path] of cases) {
      const answer = await record(BINDING_KEYS.agent, data);
      expect(answer.status, JSON.stringify(data).slice(0, 80)).toBe(400);
      expect(answer.body.error.details[0].path).toBe(path);
      expect(answer.body.error.message.startsWith(`${path}: `)).toBe(true);
      for (const id of hostile) expect(JSON.stringify(answer.body)).not.toContain(id.slice(0, 20));
    }
    expect(await outcomes()).toEqual([]);
  });

  it('records the outcome the SDK’s guard() sends (naming its decision in evidence_event_id)', async () => {
    const { outcomes, url } = await serve();
    const warnings: string[] = [];
    const client = new ActPass({
      apiKey: BINDING_KEYS.agent,
      baseUrl: url,
      logger: { warn: (message: string) => warnings.push(message) },
    });
    const guarded = await client.guard({
      goal: 'resolve_refund_request',
      tool: 'stripe.refund.create',
      args: { amount: 1200 },
      execute: async () => 'refunded',
      awaitOutcome: true,
    });
    expect(guarded.executed).toBe(true);
    expect(guarded.decision.source).toBe('gateway');
    const recorded = await outcomes();
    expect(recorded.map((event) => event.data.evidence_event_id)).toEqual([
      (guarded.decision as { evidence_event_id: string }).evidence_event_id,
    ]);
    expect(recorded[0]?.data).toMatchObject({ outcome: 'ok', written_by: { roles: ['agent'] } });
    expect(warnings).toEqual([]);
    await client.close();
  });

  it('records a second outcome for the same decision from a later request (documented, not refused)', async () => {
    const { decide, record, outcomes } = await serve();
    const mine = await decide(BINDING_KEYS.agent);
    expect((await record(BINDING_KEYS.agent, outcome('decision_event_id', mine))).status).toBe(201);
    expect((await record(BINDING_KEYS.agent, outcome('decision_event_id', mine))).status).toBe(201);
    expect((await outcomes()).map((event) => event.data.decision_event_id)).toEqual([mine, mine]);
  });
}
