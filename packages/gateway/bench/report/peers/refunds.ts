/**
 * The refunds pack (packs/refunds.json) as the shared workload for the peer comparisons: a fixed,
 * seeded set of requests, our answers to them, and the pack translated into Cedar and into the Agent
 * Governance Toolkit's policy document.
 *
 * The translation, rule by rule (ours is first-match over an ordered list; Cedar has no order, so its
 * conditions are made disjoint; AGT has one condition per rule and orders by priority):
 *   refund-small  (tool glob *.refund.create, integer amount 1..10000)  allow
 *     Cedar: permit `refund-small`;          AGT: `amount gte 1`, priority 20, allow
 *   refund-medium (10000 < amount <= 50000)  require_approval
 *     Cedar: permit `refund-medium` (the application reads the determining policy and holds the call);
 *     AGT: `amount gt 10000`, priority 30, block (AGT has no approval state; block is the nearest)
 *   refund-large  (amount > 50000)  deny
 *     Cedar: forbid `refund-large`;          AGT: `amount gt 50000`, priority 40, deny
 *   refund-amount-invalid (refund tool, amount missing / not an integer / below 1)  deny
 *     Cedar: forbid `refund-amount-invalid`; AGT: `tool_name matches ""`, priority 10, deny
 *   default (not a refund tool)  deny policy.no_match
 *     Cedar: no policy applies (default deny); AGT: `tool_name matches ^(?![A-Za-z0-9_-]+\.refund\.create\Z)`,
 *     priority 50, deny (AGT's default would carry no reason)
 * Our tool glob's `*` matches exactly one dot-free segment (`adyen.payments.refund.create` is not a
 * match): Cedar's `like` crosses dots, so its condition also excludes `*.*.refund.create`; AGT's regex
 * spells the segment out. Requests carry valid tool names only: the gateway refuses any other with a
 * 400 before a policy is consulted.
 * Neither peer has a type operator, so the adapter that builds their request passes `amount` only
 * when it is an integer (as our `type: integer` condition reads it); the adapter is part of each
 * peer's timed work. Reasons travel as the rule's id (Cedar's determining policy) or message (AGT).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePolicy } from '../../../src/policy/compile.js';
import { evaluate } from '../../../src/policy/evaluate.js';
import type { CompiledPolicy, JsonObject, PolicyInput } from '../../../src/policy/types.js';
import { GATEWAY_DIR } from '../paths.js';

export const PEER_REQUESTS = 10_000;

export interface Answer {
  decision: string;
  reason: string;
}

/** The flat context both peers see: the tool and, when it is an integer, the amount. */
export interface PeerContext {
  tool_name: string;
  amount?: number;
}

export function loadRefundsPolicy(): CompiledPolicy {
  const source = JSON.parse(readFileSync(join(GATEWAY_DIR, 'packs/refunds.json'), 'utf8'));
  const compiled = compilePolicy(source);
  if (!compiled.ok)
    throw new Error(`packs/refunds.json does not compile: ${JSON.stringify(compiled.problems)}`);
  return compiled.policy;
}

const TOOLS = [
  'stripe.refund.create',
  'paypal.refund.create',
  'adyen.payments.refund.create',
  'stripe.refund.create.v2',
  'stripe.refund.list',
  'crm.contact.update',
  'refund.create',
];
const EDGES: unknown[] = [0, 1, 10_000, 10_001, 50_000, 50_001, -5, 499.99, '100', true, null, 1e12];

/** A small deterministic generator (mulberry32), so every run and every engine sees the same requests. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function refundRequests(count = PEER_REQUESTS, seed = 17): PolicyInput[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  const requests: PolicyInput[] = [];
  for (let i = 0; i < count; i++) {
    const roll = next();
    const args: JsonObject = { currency: 'usd' };
    if (roll < 0.8) args.amount = Math.floor(next() * 80_000) - 100;
    else if (roll < 0.95) args.amount = pick(EDGES) as JsonObject[string];
    // else: no amount at all
    requests.push({
      tool: roll < 0.85 ? pick(TOOLS.slice(0, 3)) : pick(TOOLS),
      goal: 'resolve_refund_request',
      mode: 'enforce',
      args,
      context: {},
    });
  }
  return requests;
}

export function ourAnswer(policy: CompiledPolicy, input: PolicyInput): Answer {
  const outcome = evaluate(policy, input);
  return { decision: outcome.decision, reason: outcome.reason_code };
}

export function peerContext(input: PolicyInput): PeerContext {
  const amount = input.args.amount;
  return Number.isSafeInteger(amount)
    ? { tool_name: input.tool, amount: amount as number }
    : { tool_name: input.tool };
}

/** Our tool glob `*.refund.create`: `*` is exactly one segment, so two segments before it do not match. */
const REFUND_TOOL =
  '(context.tool_name like "*.refund.create" && !(context.tool_name like "*.*.refund.create"))';

/** The pack in Cedar, one policy per rule, keyed by the rule's id. */
export const CEDAR_POLICIES: Record<string, string> = {
  'refund-small': `permit (principal, action == Action::"preflight", resource)
when { ${REFUND_TOOL} && context has amount && context.amount >= 1 && context.amount <= 10000 };`,
  'refund-medium': `permit (principal, action == Action::"preflight", resource)
when { ${REFUND_TOOL} && context has amount && context.amount > 10000 && context.amount <= 50000 };`,
  'refund-large': `forbid (principal, action == Action::"preflight", resource)
when { ${REFUND_TOOL} && context has amount && context.amount > 50000 };`,
  'refund-amount-invalid': `forbid (principal, action == Action::"preflight", resource)
when { ${REFUND_TOOL} && (!(context has amount) || context.amount < 1) };`,
};

/** Cedar's answer read back: the decision and the policies that determined it. */
export function cedarAnswer(decision: string, determining: readonly string[]): Answer {
  const only = determining.length === 1 ? determining[0] : undefined;
  if (decision === 'allow' && only === 'refund-small')
    return { decision: 'allow', reason: 'refund.small_in_scope' };
  if (decision === 'allow' && only === 'refund-medium')
    return { decision: 'require_approval', reason: 'refund.medium_needs_approval' };
  if (decision === 'deny' && only === 'refund-large')
    return { decision: 'deny', reason: 'refund.large_denied' };
  if (decision === 'deny' && only === 'refund-amount-invalid')
    return { decision: 'deny', reason: 'refund.amount_invalid' };
  if (decision === 'deny' && determining.length === 0) return { decision: 'deny', reason: 'policy.no_match' };
  return { decision: `${decision}?`, reason: determining.join('+') || 'none' };
}

/** The pack as an Agent Governance Toolkit `PolicyDocument` (agent_os.policies.schema). */
export const AGT_DOCUMENT = {
  version: '1.0',
  name: 'actpass-refunds',
  description: 'packs/refunds.json translated rule by rule',
  defaults: { action: 'deny' },
  rules: [
    {
      name: 'not-a-refund-tool',
      condition: {
        field: 'tool_name',
        operator: 'matches',
        value: '^(?![A-Za-z0-9_-]+\\.refund\\.create\\Z)',
      },
      action: 'deny',
      priority: 50,
      message: 'policy.no_match',
    },
    {
      name: 'refund-large',
      condition: { field: 'amount', operator: 'gt', value: 50000 },
      action: 'deny',
      priority: 40,
      message: 'refund.large_denied',
    },
    {
      name: 'refund-medium',
      condition: { field: 'amount', operator: 'gt', value: 10000 },
      action: 'block',
      priority: 30,
      message: 'refund.medium_needs_approval',
    },
    {
      name: 'refund-small',
      condition: { field: 'amount', operator: 'gte', value: 1 },
      action: 'allow',
      priority: 20,
      message: 'refund.small_in_scope',
    },
    {
      name: 'refund-amount-invalid',
      condition: { field: 'tool_name', operator: 'matches', value: '' },
      action: 'deny',
      priority: 10,
      message: 'refund.amount_invalid',
    },
  ],
};

/** AGT's answer read back: its action (block standing for require_approval) and the rule's message. */
export function agtAnswer(action: string, message: string): Answer {
  const decision = action === 'block' ? 'require_approval' : action;
  return { decision, reason: message };
}

/** Compares two answer lists; returns the mismatch count and up to three examples. */
export function agreement(
  requests: readonly PolicyInput[],
  ours: readonly Answer[],
  theirs: readonly Answer[],
): { mismatches: number; examples: string[] } {
  let mismatches = 0;
  const examples: string[] = [];
  ours.forEach((answer, i) => {
    const other = theirs[i];
    if (other && other.decision === answer.decision && other.reason === answer.reason) return;
    mismatches++;
    if (examples.length < 3) {
      const input = requests[i]!;
      examples.push(
        `${input.tool} amount=${JSON.stringify(input.args.amount)}: ours ${answer.decision}/${answer.reason}, theirs ${other?.decision ?? 'none'}/${other?.reason ?? 'none'}`,
      );
    }
  });
  return { mismatches, examples };
}
