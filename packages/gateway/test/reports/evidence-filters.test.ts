import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type SeededGateway, seededGateway, seedTraffic } from './helpers.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

type Event = { seq: number; type: string; at: string; data: Record<string, unknown> };

/** Every page of the filtered listing, followed with next_after_seq. */
async function listAll(gw: SeededGateway, query: string, limit = 2): Promise<Event[]> {
  const events: Event[] = [];
  let after: number | null = 0;
  while (after !== null) {
    const { status, body } = await gw.call(
      'GET',
      `/api/v1/evidence?${query}&limit=${limit}&after_seq=${after}`,
      {
        key: gw.keys.admin,
      },
    );
    expect(status).toBe(200);
    events.push(...body.events);
    after = body.next_after_seq;
  }
  return events;
}

const stores: Array<[string, () => Promise<SeededGateway>]> = [
  ['memory', async () => seededGateway()],
  [
    'file',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'actpass-filters-'));
      dirs.push(dir);
      return seededGateway({ dir });
    },
  ],
];

describe.each(stores)('GET /api/v1/evidence filters (%s store)', (_name, make) => {
  it('filters by type, tool, decision, agent and time, page after page', async () => {
    const gw = await make();
    await seedTraffic(gw);
    const all = await gw.ledger();

    const decisions = await listAll(gw, 'type=decision');
    expect(decisions.map((e) => e.seq)).toEqual(all.filter((e) => e.type === 'decision').map((e) => e.seq));
    expect(decisions).toHaveLength(6);

    const denied = await listAll(gw, 'decision=deny&tool=stripe.refund.create');
    expect(denied.map((e) => e.data.mode)).toEqual(['monitor', 'enforce', 'strict']);

    const otherBot = await listAll(gw, 'agent_id=other-bot&type=decision');
    expect(otherBot.map((e) => e.data.decision)).toEqual(['warn', 'deny', 'deny']);

    const late = await listAll(gw, 'type=decision&since=2026-11-23T01:00:00Z&until=2026-11-23T02:00:00Z');
    expect(late).toHaveLength(3);
    const early = await listAll(gw, 'type=decision&until=2026-11-23T01:00:00Z');
    expect(early).toHaveLength(3);

    const policy = await listAll(gw, 'type=policy.*');
    expect(policy.map((e) => e.type)).toEqual(['policy.updated']);
    expect(await listAll(gw, 'tool=no.such.tool')).toEqual([]);
  });

  it('refuses malformed filters naming the parameter', async () => {
    const gw = await make();
    for (const [query, name] of [
      ['decision=maybe', 'decision'],
      ['type=Decision!', 'type'],
      ['since=soon', 'since'],
      ['tool=%3Cscript%3E', 'tool'],
    ]) {
      const { status, body } = await gw.call('GET', `/api/v1/evidence?${query}`, { key: gw.keys.admin });
      expect(status).toBe(400);
      expect(body.error.message).toContain(name);
    }
  });
});
