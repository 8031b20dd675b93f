/**
 * `actpass webhooks list|deliveries|retry` against a served gateway on loopback, through the SDK like
 * every human-side command: a dead-lettered delivery is listed, retried, and delivered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { createGateway, type Gateway, type RunningServer } from '../../src/index.js';
import { eventually, type Receiver, startReceiver } from '../notifications/receiver.js';

const ADMIN = 'ak_test_acme_admin_cli_0123456789abcdef';
const AGENT = 'ak_test_acme_agent_cli_0123456789abcdef';
let gateway: Gateway;
let server: RunningServer;
let hooks: Receiver;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  // The receiver fails the first round (3 × 500), so the delivery is dead until retried; then it answers 200.
  hooks = await startReceiver([500, 500, 500, 200]);
  gateway = createGateway({
    tenants: [{ id: 'acme', policy: 'refunds' }],
    apiKeys: [
      { key: ADMIN, tenantId: 'acme', roles: ['admin'], name: 'acme_admin' },
      { key: AGENT, tenantId: 'acme', roles: ['agent'], name: 'acme_agent' },
    ],
    env: {},
    vaultKey: null,
    logger: { error: () => undefined },
    webhooks: {
      endpoints: [
        {
          id: 'on-call',
          tenantId: 'acme',
          url: hooks.url,
          events: ['decision.blocked'],
          secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        },
      ],
      delivery: { maxAttempts: 3, backoffBaseMs: 20, backoffCapMs: 50 },
    },
  });
  server = await gateway.listen({ port: 0, host: '127.0.0.1' });
  process.env.ACTPASS_BASE_URL = server.url;
  process.env.ACTPASS_API_KEY = ADMIN;
});

afterAll(async () => {
  delete process.env.ACTPASS_BASE_URL;
  delete process.env.ACTPASS_API_KEY;
  await gateway.close();
  await hooks.close();
});

describe('actpass webhooks', { timeout: 30_000 }, () => {
  it('lists endpoints, shows the dead delivery, retries it until it is delivered', async () => {
    const listed = await cli('webhooks', 'list');
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(
      /on-call\s+enabled\s+json\s+config\s+http:\/\/127\.0\.0\.1:\d+\/hooks\/…\s+decision\.blocked/,
    );
    expect(listed.out).not.toContain('whsec_');

    const denied = await fetch(`${server.url}/api/v1/actions/preflight`, {
      method: 'POST',
      headers: { authorization: `Bearer ${AGENT}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        goal: 'resolve_refund_request',
        tool: 'stripe.refund.create',
        args: { amount: 90000 },
      }),
    });
    expect(((await denied.json()) as { decision: string }).decision).toBe('deny');

    const dead = await eventually(async () => {
      const result = await cli('webhooks', 'deliveries', '--status', 'dead', '--json');
      const items = (JSON.parse(result.out) as { items: Array<{ id: string; attempts: number }> }).items;
      return items[0];
    });
    expect(dead.attempts).toBe(3);
    const table = await cli('webhooks', 'deliveries');
    expect(table.out).toContain(dead.id);
    expect(table.out).toContain('the receiver answered HTTP 500');

    const retried = await cli('webhooks', 'retry', dead.id);
    expect(retried).toMatchObject({ code: 0 });
    expect(retried.out).toBe(`${dead.id}: queued again for on-call (decision.blocked)`);
    await hooks.waitFor(4);
    const delivered = await eventually(async () => {
      const result = await cli('webhooks', 'deliveries', '--status', 'delivered', '--json');
      return (JSON.parse(result.out) as { items: Array<{ id: string }> }).items[0];
    });
    expect(delivered.id).toBe(dead.id);

    const again = await cli('webhooks', 'retry', 'whd_nonexistent', '--json');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.out)).toMatchObject({ error: { code: 'request.not_found', status: 404 } });
  });

  it('refuses bad flags with usage errors', async () => {
    expect(await cli('webhooks', 'deliveries', '--status', 'gone')).toMatchObject({ code: 2 });
    expect(await cli('webhooks', 'deliveries', '--limit', '501')).toMatchObject({ code: 2 });
    expect(await cli('webhooks', 'retry')).toMatchObject({ code: 2 });
  });
});
