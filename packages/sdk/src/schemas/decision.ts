import type { Schemas } from '../core/types.js';
import type { Assert, SameShape } from './check.js';
import {
  ApprovalRequestId,
  DecisionValue,
  EvidenceEventId,
  Mode,
  ReasonCode,
  RiskTier,
  Sha256Hex,
  Timestamp,
} from './common.js';
import * as z from './z.js';

export const ExplainSchema = z.object({
  summary: z.string(),
  matched_rules: z.array(z.string()),
  next_steps: z.array(z.string()),
});

export const DecisionSchema = z.object({
  decision: DecisionValue,
  reason_code: ReasonCode,
  risk_tier: RiskTier,
  mode: Mode,
  enforced: z.boolean(),
  // Only the gateway's decisions come over the wire; a body claiming `client` is not a valid answer.
  source: z.literal('gateway'),
  would_decision: z.optional(DecisionValue),
  explain: ExplainSchema,
  evidence_event_id: EvidenceEventId,
  approval_request_id: z.optional(ApprovalRequestId),
  action_hash: Sha256Hex,
  policy: z.object({ id: z.string(), version: z.number(), hash: Sha256Hex }),
  credential: z.optional(z.object({ name: z.string(), value: z.string(), expires_at: Timestamp })),
  request_id: z.string(),
  decided_at: Timestamp,
});

export type _DecisionInSync = Assert<SameShape<z.infer<typeof DecisionSchema>, Schemas['Decision']>>;
