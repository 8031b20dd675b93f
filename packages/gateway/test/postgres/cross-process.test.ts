/**
 * Three real `actpass dev --database-url` processes on one PostgreSQL database, driven concurrently
 * over loopback HTTP. Everything that must happen exactly once has to hold across the processes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/ledger/index.js';
import { verifyChain, verifyExport } from '../../src/ledger/index.js';
import type { Pool } from '../../src/store/postgres/index.js';
import {
  type CallResult,
  call,
  type GatewayProcess,
  type RoleKeys,
  startCliGateway,
} from './fixtures/processes.js';
import { useTestDatabase } from './helpers.js';

const db = useTestDatabase();
let gateways: GatewayProcess[] = [];
let pool: Pool;
let stateDir: string;
let TENANT: string;
let KEYS: RoleKeys;
let otherTenantAgent: string;

beforeAll(async () => {
  // One --dir for all three: it holds what is not in the database (dev API keys, keyset, vault key).
  stateDir = await mkdtemp(path.join(tmpdir(), 'actpass-dev-'));
  // The first creates the dev keys and migrates; the other two start together against the same state.
  const first = await startCliGateway(db.url, stateDir);
  gateways = [first, ...(await Promise.all([1, 2].map(() => startCliGateway(db.url, stateDir))))];
  TENANT = first.tenantId;
  KEYS = first.keys;
  // `actpass dev` also serves a second tenant, whose keys sit beside the first's in --dir.
  const devKeys = JSON.parse(await readFile(path.join(stateDir, 'dev-keys.json'), 'utf8')) as Array<{
    tenantId: string;
    agent: string;
  }>;
  otherTenantAgent = devKeys.find((keys) => keys.tenantId !== TENANT)!.agent;
  pool = await db.pool();
}, 120_000);

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

/** An agent call through process `i` (round robin). */
const agent = (
  i: number,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<CallResult> => call(at(i), 'POST', path, { key: KEYS.agent, body, headers });

const at = (i: number) => gateways[i % gateways.length]!.url;
const refund = (amount: number, extra: object = {}) => ({
  goal: 'refund a duplicate charge',
  tool: 'stripe.refund.create',
  resource: 'stripe:charge:ch_1',
  args: { amount },
  ...extra,
});

async function storedEvents(): Promise<LedgerEvent[]> {
  const { rows } = await pool.query<{ event: string }>(
    'SELECT event FROM actpass_ledger_events WHERE tenant_id = $1 ORDER BY seq',
    [TENANT],
  );
  return rows.map((row) => JSON.parse(row.event) as LedgerEvent);
}

async function decisionCount(): Promise<number> {
  return (await storedEvents()).filter((event) => event.type === 'decision').length;
}

describe('three gateway processes on one database', () => {
  it('share dev keys through --dir', () => {
    expect(gateways.map((gateway) => gateway.keys)).toEqual([KEYS, KEYS, KEYS]);
  });

  it('publish one JWKS: the keyset in --dir is shared', async () => {
    const jwks = await Promise.all(
      gateways.map((gateway) => call(gateway.url, 'GET', '/.well-known/jwks.json')),
    );
    expect(jwks.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(jwks[1]!.body).toEqual(jwks[0]!.body);
    expect(jwks[2]!.body).toEqual(jwks[0]!.body);
  });

  it('a passport used by concurrent preflights spread over the processes is allowed exactly once', async () => {
    const issued = await call(at(0), 'POST', '/api/v1/passports', {
      key: KEYS.agent,
      body: {
        audience: 'payments',
        goal: 'refund a duplicate charge',
        allowed_tools: ['stripe.refund.create'],
        resource_constraints: { max_amount: 5000 },
      },
    });
    expect(issued.status).toBe(201);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        agent(i, '/api/v1/actions/preflight', refund(100, { passport: issued.body.token })),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(Array(30).fill(200));
    const allowed = results.filter((result) => result.body.decision === 'allow');
    expect(allowed).toHaveLength(1);
    expect(
      new Set(results.filter((r) => r.body.decision !== 'allow').map((r) => r.body.reason_code)),
    ).toEqual(new Set(['passport.replayed']));
  }, 30_000);

  it('concurrent decisions from three processes form one linear chain, each answered decision in it', async () => {
    const before = await decisionCount();
    const results = await Promise.all(
      Array.from({ length: 90 }, (_, i) => agent(i, '/api/v1/actions/preflight', refund(100 + i))),
    );
    expect(results.every((result) => result.status === 200 && result.body.decision === 'allow')).toBe(true);

    const events = await storedEvents();
    expect(verifyChain(events, { tenantId: TENANT })).toMatchObject({
      ok: true,
      head: { seq: events.length },
    });
    expect(new Set(events.map((event) => event.seq)).size).toBe(events.length);
    const ids = new Set(events.map((event) => event.id));
    for (const result of results) expect(ids.has(result.body.evidence_event_id)).toBe(true);
    expect(await decisionCount()).toBe(before + 90);

    // Every process verifies the whole chain, whoever appended each event.
    for (const gateway of gateways) {
      const verified = await call(gateway.url, 'GET', '/api/v1/evidence/verify', { key: KEYS.admin });
      expect(verified.body).toMatchObject({ ok: true, count: events.length, head: { seq: events.length } });
    }
  }, 30_000);

  it('an export signed by one process verifies with the JWKS of another', async () => {
    const exported = await call(at(2), 'GET', '/api/v1/evidence/export', { key: KEYS.admin });
    expect(exported.status).toBe(200);
    const jwks = await call(at(0), 'GET', '/.well-known/jwks.json');
    expect(verifyExport(exported.body, jwks.body)).toMatchObject({ ok: true });
  });

  it('an approval granted on one process is spent once across all of them', async () => {
    const held = await agent(0, '/api/v1/actions/preflight', refund(25_000));
    expect(held.body).toMatchObject({
      decision: 'require_approval',
      reason_code: 'refund.medium_needs_approval',
    });
    const id = held.body.approval_request_id as string;

    const pending = await agent(2, '/api/v1/actions/preflight', refund(25_000, { approval_request_id: id }));
    expect(pending.body).toMatchObject({ decision: 'require_approval', reason_code: 'approval.pending' });

    const approved = await call(at(1), 'POST', `/api/v1/approvals/${id}/approve`, {
      key: KEYS.approver,
      body: { note: 'duplicate charge confirmed' },
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved' });

    const reruns = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        agent(i, '/api/v1/actions/preflight', refund(25_000, { approval_request_id: id })),
      ),
    );
    const granted = reruns.filter((result) => result.body.decision === 'allow');
    expect(granted).toHaveLength(1);
    expect(granted[0]!.body.reason_code).toBe('approval.granted');
    expect(reruns.every((result) => result.status === 200)).toBe(true);

    const read = await call(at(2), 'GET', `/api/v1/approvals/${id}`, { key: KEYS.agent });
    expect(read.body).toMatchObject({ status: 'used' });

    // Another tenant cannot see it through any process: a foreign id is a 404.
    const foreign = await call(at(1), 'GET', `/api/v1/approvals/${id}`, { key: otherTenantAgent });
    expect(foreign.status).toBe(404);
  }, 30_000);

  it('an Idempotency-Key answered by one process is honoured by the others', async () => {
    const before = await decisionCount();
    const key = `idem-${Date.now()}`;
    const first = await agent(0, '/api/v1/actions/preflight', refund(300), { 'idempotency-key': key });
    expect(first.status).toBe(200);
    const repeats = await Promise.all(
      [1, 2, 1, 2].map((i) => agent(i, '/api/v1/actions/preflight', refund(300), { 'idempotency-key': key })),
    );
    for (const repeat of repeats) {
      expect(repeat.status).toBe(200);
      expect(repeat.body).toEqual(first.body);
      expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    }
    const conflicting = await agent(2, '/api/v1/actions/preflight', refund(301), { 'idempotency-key': key });
    expect(conflicting.status).toBe(409);
    expect(conflicting.body.error.code).toBe('request.idempotency_conflict');
    expect(await decisionCount()).toBe(before + 1);
  }, 30_000);

  it('a policy replaced through one process is in force on the others at once', async () => {
    const policy = await call(at(0), 'GET', '/api/v1/policy', { key: KEYS.admin });
    expect(policy.status).toBe(200);
    const strict = {
      id: 'acme.no-refunds',
      version: 2,
      default: { decision: 'deny', reason: 'policy.no_match', risk_tier: 'high' },
      rules: [],
    };
    const put = await call(at(1), 'PUT', '/api/v1/policy', { key: KEYS.admin, body: strict });
    expect(put.status).toBe(200);
    const decided = await agent(2, '/api/v1/actions/preflight', refund(100));
    expect(decided.body).toMatchObject({ decision: 'deny', policy: { id: 'acme.no-refunds', version: 2 } });
    const restore = await call(at(0), 'PUT', '/api/v1/policy', {
      key: KEYS.admin,
      body: policy.body.policy ?? policy.body,
    });
    expect(restore.status).toBe(200);
  });
});
