/**
 * Rate limits and budgets at decision time. Before the policy is evaluated, `prepare` reads what the
 * counters of the policy's limited rules hold (one store call; none for a policy without limits) and
 * hands the evaluator a synchronous `limitReached`. The evaluation notes the limits the action stays
 * within; only when the gateway answers `allow` are they charged, all or nothing and atomically across
 * processes (`LimitStore.charge`). A charge lost to a concurrent one means the counters moved: the
 * caller evaluates again on fresh counts.
 */
import type { CompiledPolicy, CompiledRule } from '../policy/index.js';
import type { LimitCharge, LimitStore } from '../store/types.js';
import { chargeFor, type LimitedAction } from './counters.js';

export interface LimitCheck {
  /** For the evaluator: whether this action would pass the rule's limit. */
  readonly limitReached: (rule: CompiledRule) => boolean;
  /** The limits the evaluation found this action within (to charge if it is allowed). */
  readonly within: LimitCharge[];
}

const limitedRules = new WeakMap<CompiledPolicy, readonly CompiledRule[]>();

function limitedRulesOf(policy: CompiledPolicy): readonly CompiledRule[] {
  let rules = limitedRules.get(policy);
  if (!rules) {
    rules = policy.rules.filter((rule) => rule.limit !== null);
    limitedRules.set(policy, rules);
  }
  return rules;
}

export class LimitService {
  constructor(
    private readonly store: LimitStore,
    private readonly nowMs: () => number,
  ) {}

  /** Null when the policy has no limits (nothing is read). */
  async prepare(tenantId: string, policy: CompiledPolicy, action: LimitedAction): Promise<LimitCheck | null> {
    const rules = limitedRulesOf(policy);
    if (rules.length === 0) return null;
    const now = this.nowMs();
    const charges = new Map<string, LimitCharge | 'unreadable'>();
    for (const rule of rules) charges.set(rule.id, chargeFor(rule, action, now));
    const readable = [...charges.values()].filter((charge): charge is LimitCharge => charge !== 'unreadable');
    const usage = await this.store.usage(tenantId, readable);
    const used = new Map(readable.map((charge, i) => [charge, usage[i] ?? 0]));
    const within: LimitCharge[] = [];
    return {
      within,
      limitReached: (rule) => {
        const charge = charges.get(rule.id);
        if (charge === undefined || charge === 'unreadable') return true;
        if ((used.get(charge) ?? 0) + charge.amount > charge.max) return true;
        within.push(charge);
        return false;
      },
    };
  }

  charge(tenantId: string, charges: readonly LimitCharge[]): Promise<boolean> {
    return this.store.charge(tenantId, charges);
  }

  refund(tenantId: string, charges: readonly LimitCharge[]): Promise<void> {
    return this.store.refund(tenantId, charges);
  }
}
