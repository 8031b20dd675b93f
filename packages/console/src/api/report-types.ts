/** Shapes of the rollout report, the policy simulation and whoami (SPEC §14). */

export type DecisionValue = 'allow' | 'deny' | 'require_approval' | 'require_tool_reapproval' | 'warn';

export interface WhoAmI {
  tenant_id: string;
  key_id: string;
  roles: string[];
  agent_id?: string;
}

export interface RolloutBucket {
  start: string;
  total: number;
  would_block: number;
  by_enforce_decision: Record<DecisionValue, number>;
}

export interface WouldBlockAction {
  tool: string;
  resource: string | null;
  reason_code: string;
  enforce_decision: DecisionValue;
  count: number;
  last_at: string;
  last_event_id: string;
}

export interface RolloutReport {
  window: { since: string; until: string; bucket: 'minute' | 'hour' | 'day' };
  totals: { decisions: number; would_block: number; observed: number; observed_would_block: number };
  counts: Array<{
    tool: string;
    reason_code: string;
    mode: string;
    decision: DecisionValue;
    enforce_decision: DecisionValue;
    count: number;
  }>;
  buckets: RolloutBucket[];
  top_would_block: WouldBlockAction[];
}

export interface SimulatedOutcome {
  decision: DecisionValue;
  reason_code: string;
  risk_tier?: string;
  matched_rules: string[];
}

export interface SimulatedChange {
  seq: number;
  event_id: string;
  at: string;
  mode: string;
  action_hash: string;
  action: Record<string, unknown>;
  recorded: SimulatedOutcome;
  simulated: SimulatedOutcome;
}

export interface PolicySimulation {
  window: { since: string; until: string };
  candidate: { id: string; version: number; hash: string };
  summary: {
    decisions: number;
    evaluated: number;
    held: number;
    unchanged: number;
    changed: number;
    transitions: Array<{ from: DecisionValue; to: DecisionValue; count: number }>;
  };
  changes: SimulatedChange[];
  next_after_seq: number | null;
}
