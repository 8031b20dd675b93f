/**
 * Releasing one approval from two gateway processes at once, interleaved at the database: the test
 * holds the approval's row lock until both processes' compare-and-set UPDATEs are waiting on it, then
 * lets them race. Exactly one re-run may answer `allow`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from '../../src/store/postgres/index.js';
import { call, type GatewayProcess, startCliGateway } from './fixtures/processes.js';
import { useTestDatabase } from './helpers.js';

const db = useTestDatabase();
let gateways: GatewayProcess[] = [];
let pool: Pool;
let stateDir: string;

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'actpass-race-'));
  const first = await startCliGateway(db.url, stateDir);
  gateways = [first, await startCliGateway(db.url, stateDir)];
  pool = await db.pool();
}, 120_000);

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

const action = {
  goal: 'refund a duplicate charge',
  tool: 'stripe.refund.create',
  resource: 'stripe:charge:ch_race',
  args: { amount: 25_000 },
};

/** Backends of the gateways waiting for a lock in an UPDATE of the approvals table. */
async function waitingUpdates(): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE actpass_approvals%'`,
  );
  return Number(rows[0]?.n ?? 0);
}

describe('two gateway processes releasing one approval', () => {
  it('both compare-and-sets wait on the row together; exactly one re-run is allowed', async () => {
    const [a, b] = gateways as [GatewayProcess, GatewayProcess];
    const held = await call(a.url, 'POST', '/api/v1/actions/preflight', { key: a.keys.agent, body: action });
    expect(held.body.decision).toBe('require_approval');
    const id = held.body.approval_request_id as string;
    const approved = await call(b.url, 'POST', `/api/v1/approvals/${id}/approve`, {
      key: a.keys.approver,
      body: {},
    });
    expect(approved.body.status).toBe('approved');

    const lock = await pool.connect();
    let reruns: Array<Awaited<ReturnType<typeof call>>>;
    try {
      await lock.query('BEGIN');
      await lock.query('SELECT 1 FROM actpass_approvals WHERE id = $1 FOR UPDATE', [id]);
      const pending = [a, b].map((gateway) =>
        call(gateway.url, 'POST', '/api/v1/actions/preflight', {
          key: a.keys.agent,
          body: { ...action, approval_request_id: id },
        }),
      );
      // Both processes have read `approved` and now wait at the same row: the interleaving under test.
      while ((await waitingUpdates()) < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      await lock.query('COMMIT');
      reruns = await Promise.all(pending);
    } finally {
      lock.release();
    }
    const answers = reruns.map((rerun) => `${rerun.body.decision}/${rerun.body.reason_code}`).sort();
    expect(answers).toEqual(['allow/approval.granted', 'deny/approval.expired']);
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM actpass_ledger_events
        WHERE event::jsonb->>'type' = 'decision'
          AND event::jsonb->'data'->>'approval_request_id' = $1
          AND event::jsonb->'data'->>'decision' = 'allow'`,
      [id],
    );
    expect(Number(rows[0]?.n)).toBe(1);
  }, 60_000);
});
