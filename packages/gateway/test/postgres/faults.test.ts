/**
 * PostgreSQL restarted under live traffic: the gateway must fail closed while the database is away
 * (503 server.unavailable, never a decision without its ledger event) and recover on its own.
 * This file runs its own server, since it restarts it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/ledger/index.js';
import { verifyChain } from '../../src/ledger/index.js';
import { openPool } from '../../src/store/postgres/index.js';
import {
  call,
  type GatewayProcess,
  startLibraryGateway,
  LIBRARY_TENANT as TENANT,
} from './fixtures/processes.js';
import { createDatabase, type PostgresServer, removeServer, startPostgres } from './helpers.js';

const WORKERS = 8;
const PAUSE_AFTER_FAILURE_MS = 20;
const RECOVERY_TIMEOUT_MS = 30_000;

let server: PostgresServer;
let databaseUrl: string;
let gateway: GatewayProcess;

beforeAll(async () => {
  server = await startPostgres();
  databaseUrl = (await createDatabase(server.url)).url;
  gateway = await startLibraryGateway(databaseUrl);
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  if (server) await removeServer(server);
}, 60_000);

interface Outcome {
  status: number;
  decision?: string;
  evidenceEventId?: string;
  errorCode?: string;
  at: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PostgreSQL restart under load', () => {
  it('fails closed with 503 while the database is down and recovers without a gateway restart', async () => {
    const outcomes: Outcome[] = [];
    let running = true;
    let n = 0;
    const worker = async () => {
      while (running) {
        const amount = 100 + (n++ % 1000);
        try {
          const response = await call(gateway.url, 'POST', '/api/v1/actions/preflight', {
            key: gateway.keys.agent,
            body: { goal: 'refund', tool: 'stripe.refund.create', args: { amount } },
          });
          outcomes.push({
            status: response.status,
            decision: response.body?.decision,
            evidenceEventId: response.body?.evidence_event_id,
            errorCode: response.body?.error?.code,
            at: Date.now(),
          });
          if (response.status !== 200) await sleep(PAUSE_AFTER_FAILURE_MS);
        } catch (error) {
          // The gateway itself must stay up: a transport error here is a failure of the test.
          outcomes.push({ status: 0, errorCode: String(error), at: Date.now() });
          await sleep(PAUSE_AFTER_FAILURE_MS);
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, worker);

    await sleep(500);
    await server.stop();
    const downAt = Date.now();
    await sleep(1_000);
    await server.start();
    const upAt = Date.now();

    // Wait for decisions to flow again, then keep going a little to show they keep flowing.
    const deadline = Date.now() + RECOVERY_TIMEOUT_MS;
    while (
      !outcomes.some((outcome) => outcome.at > upAt && outcome.status === 200) &&
      Date.now() < deadline
    ) {
      await sleep(50);
    }
    await sleep(500);
    running = false;
    await Promise.all(workers);

    const answered = outcomes.filter((outcome) => outcome.status === 200);
    const refused = outcomes.filter((outcome) => outcome.status !== 200);
    // Only two kinds of answer: a decision, or "unavailable, nothing decided".
    const unexpected = refused.filter(
      (outcome) => outcome.status !== 503 || outcome.errorCode !== 'server.unavailable',
    );
    expect(unexpected.slice(0, 3), `gateway stderr:\n${gateway.stderr().slice(-2000)}`).toEqual([]);
    expect(refused.some((outcome) => outcome.at >= downAt)).toBe(true);
    expect(answered.some((outcome) => outcome.at < downAt)).toBe(true);
    expect(answered.some((outcome) => outcome.at > upAt)).toBe(true);

    // Every answered decision is in the ledger, and nothing else was decided.
    const pool = await openPool(databaseUrl, { max: 1 });
    try {
      const { rows } = await pool.query<{ event: string }>(
        'SELECT event FROM actpass_ledger_events WHERE tenant_id = $1 ORDER BY seq',
        [TENANT],
      );
      const events = rows.map((row) => JSON.parse(row.event) as LedgerEvent);
      expect(verifyChain(events, { tenantId: TENANT })).toMatchObject({ ok: true });
      const decisions = new Set(events.filter((event) => event.type === 'decision').map((event) => event.id));
      for (const outcome of answered) expect(decisions.has(outcome.evidenceEventId!)).toBe(true);
      expect(decisions.size).toBe(answered.length);
    } finally {
      await pool.end();
    }

    // And the gateway still answers normally, with no restart of its own.
    expect(gateway.child.exitCode).toBeNull();
    const after = await call(gateway.url, 'POST', '/api/v1/actions/preflight', {
      key: gateway.keys.agent,
      body: { goal: 'refund', tool: 'stripe.refund.create', args: { amount: 4900 } },
    });
    expect(after.body).toMatchObject({ decision: 'allow' });
  }, 60_000);
});
