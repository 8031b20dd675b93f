/**
 * A support agent issues three refunds through ActPass, fully in-process (no network at all):
 *
 *   $49   → allowed; the vaulted Stripe key is handed to `execute` for this one call
 *   $250  → held for a person; approved; re-run once with the approval (a second re-run is refused)
 *   $900  → denied by the refunds policy
 *
 * and finally the $49 passport is presented again and refused as a replay.
 */

import { createDevGateway } from '@actpass/gateway';
import { ActPass, type GuardResult } from '@actpass/sdk';
import { FakeStripe } from './fake-stripe.js';

export interface Summary {
  /** Refunds that actually reached (the fake) Stripe, in order. */
  refunded: { charge: string; amount: number; credential: string }[];
  /** Decision and reason code of every guarded call, in order. */
  outcomes: { step: string; decision: string; reason_code: string; executed: boolean }[];
}

const GOAL = 'resolve_refund_request';
const TOOL = 'stripe.refund.create';
const AUDIENCE = 'mcp://stripe-production';
// Secret for the demo only; in production it is the real key, stored once by an admin.
const STRIPE_KEY = 'sk_test_example_not_a_real_key';

export async function run(print: (line: string) => void): Promise<Summary> {
  // The embedded gateway: one tenant ("acme"), one key per role, the refunds policy pack.
  const { gateway, keys } = createDevGateway();
  // Every client talks to it through its in-process fetch handler; the base URL is never dialled.
  const connect = (apiKey: string) =>
    new ActPass({
      apiKey,
      tenantId: keys.tenantId,
      agentId: 'support_agent',
      fetch: gateway.fetch,
      baseUrl: 'http://actpass.local',
    });
  const admin = connect(keys.admin);
  const approver = connect(keys.approver);
  const agent = connect(keys.agent);
  const stripe = new FakeStripe();
  const summary: Summary = { refunded: [], outcomes: [] };

  const note = (step: string, outcome: GuardResult<unknown>) => {
    const { decision, reason_code } = outcome.decision;
    summary.outcomes.push({ step, decision, reason_code, executed: outcome.executed });
    print(`  ${step.padEnd(34)} → ${decision} (${reason_code})${outcome.executed ? ', refund sent' : ''}`);
  };

  try {
    // 1. An admin vaults the Stripe key once. The agent never sees it except inside `execute`, and
    //    only on an `allow` for the tool it is bound to.
    await admin.credentials.put('stripe_api_key', { value: STRIPE_KEY, bound_tools: [TOOL] });
    print(`admin: stored credential stripe_api_key, bound to ${TOOL}`);

    // Each refund gets its own passport: this tool, this charge, at most this amount, in dollars.
    const passportFor = async (charge: string, amount: number) => {
      const { token } = await agent.issuePassport({
        audience: AUDIENCE,
        goal: GOAL,
        allowedTools: [TOOL],
        allowedResources: [`stripe:charge:${charge}`],
        resourceConstraints: { max_amount: amount, currency: 'usd' },
      });
      return token;
    };

    // The guarded call, as an agent's tool wrapper would write it.
    const refund = (
      charge: string,
      amount: number,
      extra: { passport?: string; approval_request_id?: string },
    ) =>
      agent.guard({
        goal: GOAL,
        tool: TOOL,
        resource: `stripe:charge:${charge}`,
        args: { amount, currency: 'usd' },
        mode: 'enforce',
        ...extra,
        // Runs only on `allow`; `credential` is the vault lease for this call.
        execute: async ({ credential }) => {
          if (!credential) throw new Error('no credential leased');
          summary.refunded.push({ charge, amount, credential: credential.name });
          return stripe.refunds.create({ charge, amount }, credential.value);
        },
      });

    // 2. $49: inside the policy's small-refund band.
    print('\n$49.00 refund on ch_1001');
    const smallPassport = await passportFor('ch_1001', 4900);
    const small = await refund('ch_1001', 4900, { passport: smallPassport });
    note('guard', small);
    if (small.executed) {
      print(`  Stripe saw key ${mask(stripe.lastKey)} and returned ${(small.result as { id: string }).id}`);
    }

    // 3. $250: held for a person. The approval remembers the passport it was requested under, so the
    //    re-run needs only the approval id, and it is good for exactly one run.
    print('\n$250.00 refund on ch_1002');
    const medium = await refund('ch_1002', 25000, { passport: await passportFor('ch_1002', 25000) });
    note('guard', medium);
    const approvalId = medium.decision.approval_request_id;
    if (!approvalId) throw new Error('expected the $250 refund to be held for approval');
    const approved = await approver.approvals.approve(approvalId, { note: 'customer is a regular' });
    print(`  approver: ${approvalId} → ${approved.status}`);
    note('re-run with the approval', await refund('ch_1002', 25000, { approval_request_id: approvalId }));
    note(
      're-run with the approval again',
      await refund('ch_1002', 25000, { approval_request_id: approvalId }),
    );

    // 4. $900: above the policy's ceiling. The passport would allow it; the policy does not.
    print('\n$900.00 refund on ch_1003');
    note('guard', await refund('ch_1003', 90000, { passport: await passportFor('ch_1003', 90000) }));

    // 5. Passports are single use: the one spent on the $49 refund cannot buy a second refund.
    print('\n$49.00 refund on ch_1001 again, with the spent passport');
    note('guard', await refund('ch_1001', 4900, { passport: smallPassport }));

    print(`\nStripe received ${stripe.created.length} refund(s): ${stripe.created.map(describe).join(', ')}`);
    return summary;
  } finally {
    await gateway.close();
  }
}

function describe(refund: { charge: string; amount: number }): string {
  return `${refund.charge} $${(refund.amount / 100).toFixed(2)}`;
}

/** Shows that the key arrived without printing it. */
function mask(secret: string | undefined): string {
  return secret ? `${secret.slice(0, 8)}…(${secret.length} chars)` : '(none)';
}
