/**
 * What every framework's run shares: the embedded gateway (in-process, the refunds policy), the
 * agent's and the approver's clients, the refunds the model asks for, and the fake payment provider
 * whose `refund` is the tool body — so a test can tell exactly which bodies ran.
 */
import { createDevGateway } from '@actpass/gateway';
import { ActPass, type Mode } from '@actpass/sdk';

export const GOAL = 'resolve_refund_request';
/** The ActPass tool name; each framework's own tool is called `refund`. */
export const TOOL = 'stripe.refund.create';

/** What the fake model asks for, in order: allowed, held for a person, denied (refunds policy). */
export const REQUESTS = [
  { charge: 'ch_small', amount: 4900 },
  { charge: 'ch_medium', amount: 25000 },
  { charge: 'ch_large', amount: 60000 },
] as const;

export interface RefundInput {
  charge: string;
  amount: number;
}

export const resourceOf = (input: RefundInput) => `stripe:charge:${input.charge}`;

/** The fake payment provider: records every refund that actually ran. */
export class FakePayments {
  readonly refunded: RefundInput[] = [];
  refund(input: RefundInput): string {
    this.refunded.push({ charge: input.charge, amount: input.amount });
    return `refunded ${input.amount} on ${input.charge}`;
  }
}

export interface Setup {
  agent: ActPass;
  approver: ActPass;
  payments: FakePayments;
}

export function setup(mode: Mode = 'enforce'): Setup {
  const { gateway, keys } = createDevGateway();
  const connect = (apiKey: string) =>
    new ActPass({
      apiKey,
      tenantId: keys.tenantId,
      agentId: 'support_agent',
      mode,
      fetch: gateway.fetch,
      baseUrl: 'http://actpass.local',
    });
  return { agent: connect(keys.agent), approver: connect(keys.approver), payments: new FakePayments() };
}

/**
 * Plays the person at the approvals queue: approves the first pending request that appears. Used with
 * `waitForApproval`, which polls for the answer while the tool call is held.
 */
export async function approveFirstPending(approver: ActPass, attempts = 500): Promise<string> {
  for (let i = 0; i < attempts; i++) {
    const { items } = await approver.approvals.list({ status: 'pending' });
    const pending = items[0];
    if (pending) {
      await approver.approvals.approve(pending.id, { note: 'checked with the customer' });
      return pending.id;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no approval request appeared');
}

/** What one framework run reports: the texts its tools returned to the model, and what the model said. */
export interface AgentRun {
  framework: string;
  toolResults: string[];
  finalText: string;
  refunded: RefundInput[];
}

/** The fake models' last turn: repeat every tool result they were given, one per line. */
export const finalAnswer = (results: readonly string[]) => `I saw:\n${results.join('\n')}`;
