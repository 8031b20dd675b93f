/**
 * Flow labels across processes: two real `actpass dev --database-url` processes on one PostgreSQL
 * database. A session labelled through one is held by the other, and two processes adding the same
 * label at once seal it once.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallResult, call, type GatewayProcess, startCliGateway } from './fixtures/processes.js';
import { useTestDatabase } from './helpers.js';

const db = useTestDatabase();
let gateways: GatewayProcess[] = [];
let stateDir: string;
let proxyKey: string;
let agentKey: string;
let adminKey: string;

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'actpass-dev-flow-'));
  const first = await startCliGateway(db.url, stateDir);
  gateways = [first, await startCliGateway(db.url, stateDir)];
  const devKeys = JSON.parse(await readFile(path.join(stateDir, 'dev-keys.json'), 'utf8')) as Array<{
    tenantId: string;
    agent: string;
    admin: string;
    proxy: string;
  }>;
  const keys = devKeys.find((entry) => entry.tenantId === first.tenantId);
  if (!keys?.proxy) throw new Error('the dev keys have no proxy key');
  ({ proxy: proxyKey, agent: agentKey, admin: adminKey } = keys);
}, 120_000);

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

/** A small refund the refunds pack allows, as an enforcing proxy classifying it `categories`. */
function refund(gateway: GatewayProcess, session: string, categories: string[]): Promise<CallResult> {
  return call(gateway.url, 'POST', '/api/v1/actions/preflight', {
    key: proxyKey,
    headers: { 'x-actpass-agent-key': agentKey },
    body: {
      goal: 'resolve_refund_request',
      tool: 'stripe.refund.create',
      args: { amount: 100 },
      context: { session: { id: session, categories } },
    },
  });
}

async function labeled(session: string) {
  const events = await call(gateways[0]!.url, 'GET', '/api/v1/evidence?limit=1000', { key: adminKey });
  return (events.body.events as Array<{ type: string; data: Record<string, unknown> }>).filter(
    (event) => event.type === 'session.labeled' && event.data.session_id === session,
  );
}

describe('session labels on PostgreSQL', () => {
  it('a session labelled through two processes is held by either, naming both reads', async () => {
    const [a, b] = gateways as [GatewayProcess, GatewayProcess];
    const read = await refund(a, 'pg-1', ['private_data']);
    const fetched = await refund(b, 'pg-1', ['untrusted_content']);
    expect([read.body.decision, fetched.body.decision]).toEqual(['allow', 'allow']);
    for (const gateway of [a, b]) {
      const send = await refund(gateway, 'pg-1', ['external_comm']);
      expect([send.status, send.body.reason_code]).toEqual([200, 'flow.trifecta']);
      expect(send.body.explain.summary).toContain(
        `private_data from stripe.refund.create (${read.body.evidence_event_id})`,
      );
      expect(send.body.explain.summary).toContain(
        `untrusted_content from stripe.refund.create (${fetched.body.evidence_event_id})`,
      );
    }
    expect((await refund(b, 'pg-2', ['external_comm'])).body.decision).toBe('allow');
  });

  it('two processes adding one label at once seal it once', async () => {
    const results = await Promise.all(
      gateways.flatMap((gateway) => [1, 2, 3].map(() => refund(gateway, 'pg-race', ['private_data']))),
    );
    expect(results.every((result) => result.body.decision === 'allow')).toBe(true);
    expect(await labeled('pg-race')).toHaveLength(1);
  });
});
