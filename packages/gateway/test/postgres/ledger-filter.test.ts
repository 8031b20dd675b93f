import { beforeAll, describe, expect, it } from 'vitest';
import { type AppendInput, type EvidenceFilter, MemoryLedgerStore } from '../../src/ledger/index.js';
import { migrate, type Pool, PostgresLedgerStore } from '../../src/store/postgres/index.js';
import { fixedSources } from '../ledger/helpers.js';
import { useTestDatabase } from './helpers.js';

const db = useTestDatabase();
let pool: Pool;

beforeAll(async () => {
  pool = await db.pool();
  await migrate(pool);
});

const decision = (tool: string | number, agent: string, answer: string, at: string): AppendInput => ({
  type: 'decision',
  at,
  data: { decision: answer, mode: 'monitor', action: { tool, agent_id: agent, resource: null } },
});

/** Edge cases on purpose: a non-string tool, an event's own tool, a namespace sharing a prefix. */
const INPUTS: AppendInput[] = [
  decision('stripe.refund.create', 'refund-bot', 'allow', '2026-11-23T00:00:00.000Z'),
  decision('stripe.refund.create', 'other-bot', 'deny', '2026-11-23T00:30:00.000Z'),
  decision(42, 'refund-bot', 'deny', '2026-11-23T01:00:00.000Z'),
  {
    type: 'approval.requested',
    at: '2026-11-23T01:10:00.000Z',
    data: { tool: 'stripe.refund.create', agent_id: 'refund-bot' },
  },
  { type: 'approvals_log', at: '2026-11-23T01:20:00.000Z', data: { decision: 'deny' } },
  { type: 'evidence', at: '2026-11-23T02:00:00.000Z', data: { decision: 'deny', tool: 'crm.write' } },
];

const FILTERS: EvidenceFilter[] = [
  { type: 'decision' },
  { type: 'approval.*' },
  { tool: 'stripe.refund.create' },
  { tool: '42' },
  { decision: 'deny' },
  { agent_id: 'refund-bot' },
  { sinceMs: Date.parse('2026-11-23T00:30:00Z'), untilMs: Date.parse('2026-11-23T01:20:00Z') },
  { type: 'decision', decision: 'deny', agent_id: 'refund-bot' },
  { tool: 'crm.write', sinceMs: Date.parse('2026-11-23T02:00:00Z') },
];

describe('PostgresLedgerStore filters', () => {
  it('select exactly what the memory and file stores select, page by page', async () => {
    const tenant = `filters_${Date.now()}`;
    const memory = new MemoryLedgerStore(fixedSources());
    const postgres = new PostgresLedgerStore(pool, fixedSources());
    for (const input of INPUTS) {
      await memory.append(tenant, input);
      await postgres.append(tenant, input);
    }
    for (const filter of FILTERS) {
      const expected = (await memory.list(tenant, { filter, limit: 100 })).map((event) => event.seq);
      // A non-string tool is no tool: `tool=42` matches nothing in either store.
      if (filter.tool !== '42') expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      const actual = (await postgres.list(tenant, { filter, limit: 100 })).map((event) => event.seq);
      expect(actual, JSON.stringify(filter)).toEqual(expected);
      const page = await postgres.list(tenant, { filter, limit: 1, afterSeq: expected[0] });
      expect(page.map((event) => event.seq)).toEqual(expected.slice(1, 2));
    }
  });
});
