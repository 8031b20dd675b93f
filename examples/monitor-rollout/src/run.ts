/**
 * Rolling ActPass out without breaking anything: the same agent traffic runs in `monitor` (observe
 * only), then `warn` (runs, but the code is told), then `enforce` (blocks). The ledger shows what
 * enforcement would have blocked before it is switched on, and that switching changes nothing about
 * the decision itself: only the fields that say which mode it was taken in.
 */

import { createDevGateway } from '@actpass/gateway';
import { ActPass, type Mode } from '@actpass/sdk';

interface Call {
  label: string;
  tool: string;
  resource: string;
  args: Record<string, unknown>;
}

// One afternoon of a support agent's traffic, replayed identically in each mode.
const TRAFFIC: Call[] = [
  {
    label: '$49 refund',
    tool: 'stripe.refund.create',
    resource: 'stripe:charge:ch_1',
    args: { amount: 4900, currency: 'usd' },
  },
  {
    label: '$250 refund',
    tool: 'stripe.refund.create',
    resource: 'stripe:charge:ch_2',
    args: { amount: 25000, currency: 'usd' },
  },
  {
    label: '$900 refund',
    tool: 'stripe.refund.create',
    resource: 'stripe:charge:ch_3',
    args: { amount: 90000, currency: 'usd' },
  },
  {
    label: 'refund, amount as text',
    tool: 'stripe.refund.create',
    resource: 'stripe:charge:ch_4',
    args: { amount: '49.00', currency: 'usd' },
  },
  {
    label: 'status e-mail',
    tool: 'gmail.send',
    resource: 'gmail:thread:t_9',
    args: { to: 'customer@example.com' },
  },
];
const MODES: Mode[] = ['monitor', 'warn', 'enforce'];
const WHAT: Record<string, string> = {
  monitor: 'observe only: everything runs, the ledger records what enforce would do',
  warn: 'everything runs, but the code sees `warn` for what enforce would block',
  enforce: 'only `allow` runs',
};

/** Ledger fields that identify one request rather than describe the decision. */
const PER_REQUEST = new Set(['request_id', 'decided_at', 'idempotency_key_sha256']);

export interface ModeRun {
  mode: Mode;
  ran: number;
  /** Labels of the calls `enforce` would block (or did block, in `enforce`). */
  wouldBlock: string[];
  /** Warnings the SDK surfaced to the caller's logger. */
  warnings: number;
}

export interface Summary {
  runs: ModeRun[];
  /** For every call, the decision enforce makes, its reason, action hash and policy hash agree across modes. */
  sameDecisionEverywhere: boolean;
  /** Ledger `decision` fields that did differ between the modes, over all calls. */
  fieldsThatDiffer: string[];
}

export async function run(print: (line: string) => void): Promise<Summary> {
  const { gateway, keys } = createDevGateway();
  let warnings = 0;
  const client = (apiKey: string) =>
    new ActPass({
      apiKey,
      tenantId: keys.tenantId,
      agentId: 'support_agent',
      fetch: gateway.fetch,
      baseUrl: 'http://actpass.local',
      // In `warn` the SDK tells the caller through its logger; count those instead of printing them.
      logger: { warn: () => void warnings++ },
    });
  const agent = client(keys.agent);
  const admin = client(keys.admin);
  const runs: ModeRun[] = [];

  try {
    for (const mode of MODES) {
      warnings = 0;
      print(`\nmode: ${mode} (${WHAT[mode]})`);
      const result: ModeRun = { mode, ran: 0, wouldBlock: [], warnings: 0 };
      for (const { label, ...action } of TRAFFIC) {
        const { decision, executed } = await agent.guard({
          goal: 'resolve_support_ticket',
          ...action,
          mode,
          execute: async () => 'done', // the real tool call would go here
        });
        // What `enforce` answers (or would have answered: `would_decision` in monitor and warn).
        const enforced = decision.would_decision ?? decision.decision;
        if (enforced !== 'allow') result.wouldBlock.push(label);
        if (executed) result.ran++;
        const shown =
          decision.decision === enforced ? enforced : `${decision.decision}, enforce: ${enforced}`;
        print(
          `  ${label.padEnd(24)} ${`${shown} (${decision.reason_code})`.padEnd(62)} ${executed ? 'ran' : 'blocked'}`,
        );
      }
      result.warnings = warnings;
      runs.push(result);
      const verb = mode === 'enforce' ? 'blocked' : 'would block';
      print(
        `  → ${result.ran}/${TRAFFIC.length} ran; enforce ${verb} ${result.wouldBlock.length}: ${result.wouldBlock.join(', ')}`,
      );
      if (mode === 'warn') print(`  → the SDK surfaced ${warnings} warning(s) to the caller's logger`);
    }

    // The admin reads the ledger: one `decision` event per call, in order, modes in sequence.
    const decisions = (await allEvents(admin)).filter((event) => event.type === 'decision');
    const byMode = MODES.map((_, m) => decisions.slice(m * TRAFFIC.length, (m + 1) * TRAFFIC.length));
    let same = true;
    const differ = new Set<string>();
    TRAFFIC.forEach((_, i) => {
      const [first, ...rest] = byMode.map((events) => events[i]!.data as Record<string, unknown>);
      for (const other of rest) {
        if (JSON.stringify(essence(first!)) !== JSON.stringify(essence(other))) same = false;
        for (const field of new Set([...Object.keys(first!), ...Object.keys(other)])) {
          if (!PER_REQUEST.has(field) && JSON.stringify(first![field]) !== JSON.stringify(other[field])) {
            differ.add(field);
          }
        }
      }
    });
    const fieldsThatDiffer = [...differ].sort();
    print(`\nledger: ${decisions.length} decision events (${TRAFFIC.length} calls × ${MODES.length} modes)`);
    print(
      `  decision enforce makes, reason_code, action_hash, policy hash: ${same ? 'identical in every mode' : 'DIFFER'}`,
    );
    print(`  fields that differ by mode: ${fieldsThatDiffer.join(', ')}`);
    return { runs, sameDecisionEverywhere: same, fieldsThatDiffer };
  } finally {
    await gateway.close();
  }
}

/** What a decision event says about the action, whatever the mode it was taken in. */
function essence(data: Record<string, unknown>) {
  return {
    decision: data.would_decision ?? data.decision,
    reason_code: data.reason_code,
    action_hash: data.action_hash,
    policy_hash: (data.policy as { hash?: string } | undefined)?.hash,
  };
}

async function allEvents(admin: ActPass) {
  const events = [];
  let after = 0;
  for (;;) {
    const page = await admin.evidence.list({ after_seq: after, limit: 1000 });
    events.push(...page.events);
    if (page.next_after_seq == null) return events;
    after = page.next_after_seq;
  }
}
