/**
 * A verdict is what the pipeline concluded before modes are applied; `applyMode` turns it into what
 * the caller is told (modes table).
 */
import { RISK_TIER_REFUSED_DELEGATION, RISK_TIER_TOOL_DRIFT } from '../constants.js';
import type { CompiledPolicy, DecisionValue, PolicyOutcome, RiskTier } from '../policy/index.js';

export type Mode = 'enforce' | 'monitor' | 'warn' | 'strict';

export interface Verdict {
  decision: DecisionValue;
  reason_code: string;
  risk_tier: RiskTier;
  matched_rules: string[];
  summary: string;
  next_steps: string[];
  /** Holds in `warn` mode too (only `monitor` lets the action through): a suspension. */
  binding?: true;
}

export interface ModeOutcome {
  decision: DecisionValue;
  enforced: boolean;
  would_decision?: DecisionValue;
}

export function applyMode(real: DecisionValue, mode: Mode): ModeOutcome {
  switch (mode) {
    case 'monitor':
      return { decision: real, enforced: false, would_decision: real };
    case 'warn':
      return { decision: real === 'allow' ? 'allow' : 'warn', enforced: true, would_decision: real };
    default:
      return { decision: real, enforced: true };
  }
}

/** What the caller is told for a verdict: its mode applied, except that a binding verdict stays. */
export function modeOutcome(verdict: Verdict, mode: Mode): ModeOutcome {
  if (verdict.binding && mode !== 'monitor') return { decision: verdict.decision, enforced: true };
  return applyMode(verdict.decision, mode);
}

export function refusedDelegation(reason_code: string, message: string, nextStep: string): Verdict {
  return {
    decision: 'deny',
    reason_code,
    risk_tier: RISK_TIER_REFUSED_DELEGATION,
    matched_rules: [],
    summary: `Passport refused: ${message}.`,
    next_steps: [nextStep],
  };
}

export function approvalVerdict(
  decision: DecisionValue,
  reason_code: string,
  risk_tier: RiskTier,
  summary: string,
  nextSteps: string[] = [],
): Verdict {
  return { decision, reason_code, risk_tier, matched_rules: [], summary, next_steps: nextSteps };
}

export function driftVerdict(reason_code: string, message: string, nextStep: string): Verdict {
  return {
    decision: 'require_tool_reapproval',
    reason_code,
    risk_tier: RISK_TIER_TOOL_DRIFT,
    matched_rules: [],
    summary: message,
    next_steps: [nextStep],
  };
}

export function policyVerdict(policy: CompiledPolicy, outcome: PolicyOutcome): Verdict {
  const rule = outcome.matched_rule;
  const description = rule === null ? undefined : policy.source.rules.find((r) => r.id === rule)?.description;
  const summary =
    rule === null
      ? `No rule of policy ${policy.id} matched; its default answers ${outcome.decision}.`
      : (description ?? `Rule ${rule} of policy ${policy.id} answers ${outcome.decision}.`);
  return {
    decision: outcome.decision,
    reason_code: outcome.reason_code,
    risk_tier: outcome.risk_tier,
    matched_rules: rule === null ? [] : [rule],
    summary,
    next_steps: policyNextSteps(outcome.decision),
  };
}

function policyNextSteps(decision: DecisionValue): string[] {
  if (decision === 'deny') return ['Do not run the action; change it or ask an admin to review the policy.'];
  if (decision === 'warn') return ['The action may run; review the warning.'];
  return [];
}

export const PASSPORT_NEXT_STEP: Record<string, string> = {
  'passport.missing':
    'Issue a passport (POST /api/v1/passports) and send it as `passport`; strict mode requires one.',
  'passport.replayed': 'A passport is single use: issue a new one for this action.',
  'passport.expired': 'Issue a new passport; this one has expired.',
  'passport.revoked': 'This passport was revoked; issue a new one if the action is still intended.',
  'passport.goal_mismatch': 'Send the goal the passport was issued for, or issue a passport for this goal.',
  'passport.user_mismatch':
    'Send the user_id the passport was issued for, or issue a passport for this user.',
};
export const DEFAULT_PASSPORT_NEXT_STEP = 'Issue a passport that covers this tool, resource and arguments.';
