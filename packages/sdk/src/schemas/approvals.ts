import type { Schemas } from '../core/types.js';
import type { Assert, SameShape } from './check.js';
import { ApprovalRequestId, JsonObject, ReasonCode, RiskTier, Sha256Hex, Timestamp } from './common.js';
import * as z from './z.js';

export const ApprovalRequestSchema = z.object({
  id: ApprovalRequestId,
  status: z.enum(['pending', 'approved', 'denied', 'expired', 'used']),
  action: z.object({
    tenant_id: z.string(),
    agent_id: z.nullable(z.string()),
    user_id: z.nullable(z.string()),
    goal: z.string(),
    tool: z.string(),
    resource: z.nullable(z.string()),
    args: JsonObject,
  }),
  action_hash: Sha256Hex,
  reason_code: ReasonCode,
  summary: z.optional(z.string()),
  risk_tier: z.optional(RiskTier),
  created_at: Timestamp,
  expires_at: Timestamp,
  decided_by: z.optional(z.string()),
  decided_at: z.optional(Timestamp),
  note: z.optional(z.string()),
  delegation: z.optional(
    z.object({
      jti: z.string(),
      goal: z.string(),
      user_id: z.nullable(z.string()),
      agent_id: z.nullable(z.string()),
      expires_at: Timestamp,
      status: z.enum(['active', 'expired', 'revoked']),
    }),
  ),
});

export const ApprovalListSchema = z.object({ items: z.array(ApprovalRequestSchema) });

export type _ApprovalsInSync = [
  Assert<SameShape<z.infer<typeof ApprovalRequestSchema>, Schemas['ApprovalRequest']>>,
  Assert<SameShape<z.infer<typeof ApprovalListSchema>, Schemas['ApprovalList']>>,
];
