/**
 * What a crash leaves behind for Idempotency-Keys on PostgreSQL, and how retries get past it. A key is
 * claimed (committed) before its request is decided, so a process killed in between leaves a claim
 * with no answer. Before, that claim answered "still in progress" for the record's whole 24 hours; now
 * it carries a short lease, after which a retry takes it over, asks the ledger whether the key was
 * decided after all, and either runs (it was not) or is refused naming the decision (it was): never a
 * second decision for one key.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/ledger/index.js';
import { verifyChain } from '../../src/ledger/index.js';
import type { Pool } from '../../src/store/postgres/index.js';
import { type CallResult, call, type GatewayProcess, startCliGateway } from './fixtures/processes.js';
import { useTestDatabase } from './helpers.js';

const LEASE_MS = 1_500;
const KEYED_CALLS = 40;

const db = useTestDatabase();
let stateDir: string;
let survivor: GatewayProcess;
let pool: Pool;
const env = { ACTPASS_PG_IDEMPOTENCY_LEASE_MS: String(LEASE_MS) };

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'actpass-leftovers-'));
  survivor = await startCliGateway(db.url, stateDir, { env });
  pool = await db.pool(2);
}, 120_000);

afterAll(async () => {
  await survivor?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const body = (amount: number) => ({ goal: 'refund', tool: 'stripe.refund.create', args: { amount } });

function keyed(gateway: GatewayProcess, key: string, amount: number): Promise<CallResult> {
  return call(gateway.url, 'POST', '/api/v1/actions/preflight', {
    key: gateway.keys.agent,
    body: body(amount),
    headers: { 'idempotency-key': key },
  });
}

async function decisionsFor(key: string): Promise<LedgerEvent[]> {
  const { rows } = await pool.query<{ event: string }>(
    `SELECT event FROM actpass_ledger_events WHERE tenant_id = $1 ORDER BY seq`,
    [survivor.tenantId],
  );
  return rows
    .map((row) => JSON.parse(row.event) as LedgerEvent)
    .filter((event) => event.type === 'decision' && event.data.idempotency_key_sha256 === sha256(key));
}

/** Rewrites a stored record as a crash would leave it: claimed, no answer, lease `leaseUntilMs`. */
async function leaveClaim(fromKey: string, toKey: string, leaseUntilMs: number): Promise<void> {
  await pool.query(
    `INSERT INTO actpass_idempotency (scope, key, fingerprint, response, expires_at_ms, lease_until_ms)
     SELECT scope, $2, fingerprint, NULL, expires_at_ms, $3 FROM actpass_idempotency WHERE key = $1`,
    [fromKey, toKey, leaseUntilMs],
  );
}

describe('a claim left by a request that never decided (killed after the claim)', () => {
  it('blocks a retry only until its lease runs out; the retry is then decided, once', async () => {
    const model = `model-${randomUUID()}`;
    expect((await keyed(survivor, model, 120)).status).toBe(200);
    await until(async () => {
      const { rows } = await pool.query('SELECT 1 FROM actpass_idempotency WHERE key = $1', [model]);
      return rows.length === 1;
    });
    const fresh = `fresh-${randomUUID()}`;
    await leaveClaim(model, fresh, Date.now() + 60_000);
    const early = await keyed(survivor, fresh, 120);
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/still in progress/);

    const stale = `stale-${randomUUID()}`;
    await leaveClaim(model, stale, Date.now() - 1);
    const retried = await keyed(survivor, stale, 120);
    expect(retried.status).toBe(200);
    expect(await decisionsFor(stale)).toHaveLength(1);
    // …and from then on it replays.
    const again = await keyed(survivor, stale, 120);
    expect(again.body.evidence_event_id).toBe(retried.body.evidence_event_id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });
});

describe('a claim whose request was decided but whose answer was lost (killed after the ledger commit)', () => {
  it('is refused after the lease naming the decision, and never decided a second time', async () => {
    const key = `decided-${randomUUID()}`;
    const first = await keyed(survivor, key, 130);
    expect(first.status).toBe(200);
    // The answer is stored behind the caller: wait for it, then lose it as a crash would.
    await until(async () => {
      const { rows } = await pool.query(
        'SELECT 1 FROM actpass_idempotency WHERE key = $1 AND response IS NOT NULL',
        [key],
      );
      return rows.length === 1;
    });
    await pool.query('UPDATE actpass_idempotency SET response = NULL, lease_until_ms = $2 WHERE key = $1', [
      key,
      Date.now() - 1,
    ]);
    for (let retry = 0; retry < 2; retry++) {
      const answer = await keyed(survivor, key, 130);
      expect(answer.status).toBe(409);
      expect(answer.body.error.message).toContain(first.body.evidence_event_id);
      // The claim is kept (not released), so the next retry asks again rather than running.
      await pool.query('UPDATE actpass_idempotency SET lease_until_ms = $2 WHERE key = $1', [
        key,
        Date.now() - 1,
      ]);
    }
    expect(await decisionsFor(key)).toHaveLength(1);
  });
});

async function issuePassport(): Promise<{ token: string; jti: string }> {
  const issued = await call(survivor.url, 'POST', '/api/v1/passports', {
    key: survivor.keys.agent,
    body: { audience: 'payments', goal: 'refund', allowed_tools: ['stripe.refund.create'] },
  });
  expect(issued.status).toBe(201);
  const token = issued.body.token as string;
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as {
    jti: string;
  };
  return { token, jti: payload.jti };
}

const withPassport = (token: string) =>
  call(survivor.url, 'POST', '/api/v1/actions/preflight', {
    key: survivor.keys.agent,
    body: { ...body(150), passport: token },
  });

async function burns(jti: string): Promise<LedgerEvent[]> {
  const { rows } = await pool.query<{ event: string }>(
    'SELECT event FROM actpass_ledger_events WHERE tenant_id = $1 ORDER BY seq',
    [survivor.tenantId],
  );
  return rows
    .map((row) => JSON.parse(row.event) as LedgerEvent)
    .filter((event) => event.type === 'passport.burned_without_decision' && event.data.passport_jti === jti);
}

describe('a passport spent by a process that died before deciding', () => {
  it('is recorded as burned without a decision, once, when it is presented again after the lease', async () => {
    const { token, jti } = await issuePassport();
    // What a kill between the claim and the decision leaves: the claim, no decision.
    await pool.query(
      `INSERT INTO actpass_jti_claims (tenant_id, jti, expires_at, claimed_at_ms)
       VALUES ($1, $2, $3, $4)`,
      [survivor.tenantId, jti, Date.now() / 1000 + 3600, Date.now() - LEASE_MS - 1_000],
    );
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await withPassport(token);
      expect(answer.body).toMatchObject({ decision: 'deny', reason_code: 'passport.replayed' });
    }
    const recorded = await burns(jti);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.data).toMatchObject({ passport_jti: jti });
  });

  it('is not, when its decision is in the ledger or its claim is younger than the lease', async () => {
    const used = await issuePassport();
    expect((await withPassport(used.token)).body.decision).toBe('allow');
    await pool.query('UPDATE actpass_jti_claims SET claimed_at_ms = $2 WHERE jti = $1', [
      used.jti,
      Date.now() - LEASE_MS - 1_000,
    ]);
    expect((await withPassport(used.token)).body.reason_code).toBe('passport.replayed');
    expect(await burns(used.jti)).toHaveLength(0);

    const young = await issuePassport();
    await pool.query(
      `INSERT INTO actpass_jti_claims (tenant_id, jti, expires_at, claimed_at_ms)
       VALUES ($1, $2, $3, $4)`,
      [survivor.tenantId, young.jti, Date.now() / 1000 + 3600, Date.now()],
    );
    expect((await withPassport(young.token)).body.reason_code).toBe('passport.replayed');
    expect(await burns(young.jti)).toHaveLength(0);
  });
});

describe('kill -9 under keyed load', () => {
  it('every key cut off by the kill is answered by a retry after the lease, none decided twice', async () => {
    const victim = await startCliGateway(db.url, stateDir, { env });
    const keys = Array.from({ length: KEYED_CALLS }, (_, i) => ({
      key: `kill-${randomUUID()}`,
      amount: 200 + i,
    }));
    let answered = false;
    const inFlight = keys.map(({ key, amount }) =>
      keyed(victim, key, amount)
        .then((answer) => {
          answered = true;
          return answer;
        })
        .catch(() => undefined),
    );
    // Killed as soon as the first answer is out, so others are cut off at every step of their way.
    await until(() => answered);
    victim.child.kill('SIGKILL');
    const cut = await Promise.all(inFlight);
    await victim.stop();
    const { rows: left } = await pool.query<{ key: string }>(
      'SELECT key FROM actpass_idempotency WHERE key = ANY($1) AND response IS NULL',
      [keys.map(({ key }) => key)],
    );
    await sleep(LEASE_MS + 500);

    const outcomes = { decided: 0, replayed: 0, refusedNamingDecision: 0 };
    for (const [i, { key, amount }] of keys.entries()) {
      const answer = await keyed(survivor, key, amount);
      const earlier = cut[i];
      if (answer.status === 200) {
        if (answer.headers.get('idempotent-replayed') === 'true') {
          outcomes.replayed += 1;
          expect(answer.body.evidence_event_id).toBe(earlier?.body?.evidence_event_id);
        } else {
          outcomes.decided += 1;
        }
      } else {
        // Only "decided before the crash": never "still in progress" once the lease is over.
        expect(answer.status, JSON.stringify(answer.body)).toBe(409);
        expect(answer.body.error.message).toMatch(/already decided \(evidence event ev_/);
        outcomes.refusedNamingDecision += 1;
      }
      expect((await decisionsFor(key)).length, key).toBeLessThanOrEqual(1);
    }
    console.info(
      `kill -9 under ${KEYED_CALLS} keyed preflights: ${left.length} claims left without an answer; retries: ${JSON.stringify(outcomes)}`,
    );
    const { rows } = await pool.query<{ event: string }>(
      'SELECT event FROM actpass_ledger_events WHERE tenant_id = $1 ORDER BY seq',
      [survivor.tenantId],
    );
    const events = rows.map((row) => JSON.parse(row.event) as LedgerEvent);
    expect(verifyChain(events, { tenantId: survivor.tenantId })).toMatchObject({ ok: true });
  }, 60_000);
});
