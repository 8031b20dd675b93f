import type { Schemas } from '../core/types.js';
import type { Assert, SameShape } from './check.js';
import {
  DecisionValue,
  EvidenceEventId,
  JsonObject,
  Mode,
  RiskTier,
  Sha256Hex,
  Timestamp,
} from './common.js';
import * as z from './z.js';

export const WhoAmISchema = z.object({
  tenant_id: z.string(),
  key_id: z.string(),
  roles: z.array(z.enum(['agent', 'approver', 'admin', 'proxy'])),
  agent_id: z.optional(z.string()),
});

const Count = z.number().check(z.int(), z.gte(0));
const ReportBucket = z.enum(['minute', 'hour', 'day']);

export const RolloutReportSchema = z.object({
  window: z.object({ since: Timestamp, until: Timestamp, bucket: ReportBucket }),
  totals: z.object({
    decisions: Count,
    would_block: Count,
    observed: Count,
    observed_would_block: Count,
  }),
  counts: z.array(
    z.object({
      tool: z.string(),
      reason_code: z.string(),
      mode: Mode,
      decision: DecisionValue,
      enforce_decision: DecisionValue,
      count: Count,
    }),
  ),
  buckets: z.array(
    z.object({
      start: Timestamp,
      total: Count,
      would_block: Count,
      by_enforce_decision: z.object({
        allow: Count,
        deny: Count,
        require_approval: Count,
        require_tool_reapproval: Count,
        warn: Count,
      }),
    }),
  ),
  top_would_block: z.array(
    z.object({
      tool: z.string(),
      resource: z.nullable(z.string()),
      reason_code: z.string(),
      enforce_decision: DecisionValue,
      count: Count,
      last_at: Timestamp,
      last_event_id: EvidenceEventId,
    }),
  ),
});

const SimulatedOutcome = z.object({
  decision: DecisionValue,
  reason_code: z.string(),
  risk_tier: z.optional(RiskTier),
  matched_rules: z.array(z.string()),
});

export const PolicySimulationSchema = z.object({
  window: z.object({ since: Timestamp, until: Timestamp }),
  candidate: z.object({ id: z.string(), version: z.number(), hash: Sha256Hex }),
  summary: z.object({
    decisions: Count,
    evaluated: Count,
    held: Count,
    unchanged: Count,
    changed: Count,
    transitions: z.array(z.object({ from: DecisionValue, to: DecisionValue, count: Count })),
  }),
  changes: z.array(
    z.object({
      seq: z.number(),
      event_id: EvidenceEventId,
      at: Timestamp,
      mode: Mode,
      action_hash: Sha256Hex,
      action: JsonObject,
      recorded: SimulatedOutcome,
      simulated: SimulatedOutcome,
    }),
  ),
  next_after_seq: z.nullable(z.number()),
});

export type _ReportsInSync = [
  Assert<SameShape<z.infer<typeof WhoAmISchema>, Schemas['WhoAmI']>>,
  Assert<SameShape<z.infer<typeof RolloutReportSchema>, Schemas['RolloutReport']>>,
  Assert<SameShape<z.infer<typeof PolicySimulationSchema>, Schemas['PolicySimulation']>>,
];
