/**
 * The SDK running fully in-process against the embedded gateway (`fetch: gateway.fetch`), the way the
 * examples use it. Uses the SDK's built dist (turbo builds it before the gateway's tests).
 */
import { ActPass } from '@actpass/sdk';
import { describe, expect, it } from 'vitest';
import { testGateway } from '../http/helpers.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('@actpass/sdk against the in-process gateway', () => {
  it('preflight and guard: allow runs execute with the credential, deny does not run it', async () => {
    const t = testGateway();
    await t.call('PUT', '/api/v1/credentials/stripe_key', {
      key: t.keys.admin,
      body: { value: 'rk_test_sdk', bound_tools: ['stripe.refund.create'] },
    });
    const client = new ActPass({
      apiKey: t.keys.agent,
      fetch: t.gateway.fetch,
      baseUrl: 'http://embedded',
      logger: silent,
    });
    const input = {
      goal: 'resolve_refund_request',
      tool: 'stripe.refund.create',
      resource: 'stripe:charge:ch_1',
    };

    const decision = await client.preflight({ ...input, args: { amount: 4900 } });
    expect(decision).toMatchObject({ decision: 'allow', reason_code: 'refund.small_in_scope' });

    let credential: string | undefined;
    const allowed = await client.guard({
      ...input,
      args: { amount: 4900 },
      execute: (context) => {
        credential = context.credential?.value;
        return 'refunded';
      },
    });
    expect([allowed.executed, allowed.result, credential]).toEqual([true, 'refunded', 'rk_test_sdk']);

    const denied = await client.guard({ ...input, args: { amount: 90000 }, execute: () => 'should not run' });
    expect(denied.executed).toBe(false);
    expect(denied.decision.reason_code).toBe('refund.large_denied');

    const ledgerText = JSON.stringify(await t.ledger());
    expect(ledgerText).not.toContain('rk_test_sdk');
  });
});
