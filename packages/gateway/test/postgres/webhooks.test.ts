/**
 * Two gateways sharing one PostgreSQL database (each with its own pool, as two processes would),
 * both configured with the same webhook endpoint: every approval event is delivered once, by the
 * process whose write won, even when both race to decide or to expire the same request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/index.js';
import { createPostgresStores } from '../../src/store/postgres/index.js';
import { caller } from '../http/helpers.js';
import { eventually, type Receiver, startReceiver } from '../notifications/receiver.js';
import { useTestDatabase } from './helpers.js';

const db = useTestDatabase();
const KEYS = {
  agent: 'ak_pg_acme_agent_0123456789abcdef',
  approver: 'ak_pg_acme_approver_0123456789abcdef',
  admin: 'ak_pg_acme_admin_0123456789abcdef',
};
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
let hooks: Receiver;
let gateways: Gateway[] = [];

beforeAll(async () => {
  hooks = await startReceiver([200]);
  for (let index = 0; index < 2; index++) {
    gateways.push(
      createGateway({
        tenants: [{ id: 'acme', policy: 'refunds' }],
        apiKeys: [
          { key: KEYS.agent, tenantId: 'acme', roles: ['agent'], name: 'acme_agent' },
          { key: KEYS.approver, tenantId: 'acme', roles: ['approver'], name: 'acme_approver' },
          { key: KEYS.admin, tenantId: 'acme', roles: ['admin'], name: 'acme_admin' },
        ],
        stores: await createPostgresStores({ connectionString: db.url, settings: { poolMax: 4 } }),
        env: {},
        vaultKey: null,
        approvalTtlSeconds: 2,
        logger: { error: () => undefined },
        webhooks: {
          endpoints: [
            {
              id: 'on-call',
              tenantId: 'acme',
              url: hooks.url,
              events: ['approval.requested', 'approval.approved', 'approval.denied', 'approval.expired'],
              secret: SECRET,
            },
          ],
          expirySweepMs: 25,
          delivery: { maxAttempts: 2, backoffBaseMs: 20 },
        },
      }),
    );
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.close()));
  gateways = [];
  await hooks?.close();
});

async function deliveriesOf(type: string): Promise<number> {
  let count = 0;
  for (const gateway of gateways) {
    const { body } = await caller(gateway.fetch)('GET', '/api/v1/webhook-deliveries?limit=500', {
      key: KEYS.admin,
    });
    count += (body.items as Array<{ event_type: string }>).filter((item) => item.event_type === type).length;
  }
  return count;
}

function received(type: string): number {
  return hooks.received.filter((request) => JSON.parse(request.body).type === type).length;
}

describe('webhooks on two processes sharing PostgreSQL', { timeout: 30_000 }, () => {
  it('one delivery per event when both processes race to decide, and when both sweep for expiry', async () => {
    const [a, b] = gateways.map((gateway) => caller(gateway.fetch)) as [
      ReturnType<typeof caller>,
      ReturnType<typeof caller>,
    ];
    const body = { goal: 'resolve_refund_request', tool: 'stripe.refund.create', args: { amount: 25_000 } };
    const held = await a('POST', '/api/v1/actions/preflight', { key: KEYS.agent, body });
    expect(held.body.decision).toBe('require_approval');
    const id = held.body.approval_request_id as string;

    // Both approvers press at once, one on each process: one wins, the other is told so.
    const answers = await Promise.all([
      a('POST', `/api/v1/approvals/${id}/approve`, { key: KEYS.approver, body: {} }),
      b('POST', `/api/v1/approvals/${id}/deny`, { key: KEYS.approver, body: {} }),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    // An approved request nobody re-runs expires too (approved → expired), so when approve won the
    // race the first request also sends one approval.expired later.
    const approveWon = answers[0].status === 200;
    // Publishing happens before the deciding request answers, so the logs are complete now.
    expect(await deliveriesOf('approval.requested')).toBe(1);
    expect((await deliveriesOf('approval.approved')) + (await deliveriesOf('approval.denied'))).toBe(1);

    // A second request expires with nobody looking; both processes sweep every 25 ms.
    const expiring = await b('POST', '/api/v1/actions/preflight', {
      key: KEYS.agent,
      body: { ...body, args: { amount: 26_000 } },
    });
    expect(expiring.body.decision).toBe('require_approval');
    const expiredOf = (approvalId: string) =>
      hooks.received.filter((request) => {
        const event = JSON.parse(request.body);
        return event.type === 'approval.expired' && event.data?.approval?.id === approvalId;
      }).length;
    const expiringId = expiring.body.approval_request_id as string;
    await eventually(() => (expiredOf(expiringId) === 1 ? true : undefined), 15_000);
    const expiredRequests = approveWon ? 2 : 1;
    await eventually(() => (received('approval.expired') === expiredRequests ? true : undefined), 15_000);
    // Many sweeps later on both processes, still one delivery per expired request.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await deliveriesOf('approval.expired')).toBe(expiredRequests);
    expect(expiredOf(expiringId)).toBe(1);
    expect(expiredOf(id)).toBe(approveWon ? 1 : 0);
    await eventually(() => (hooks.received.length === 3 + expiredRequests ? true : undefined));
    expect(received('approval.requested')).toBe(2);
  });
});
