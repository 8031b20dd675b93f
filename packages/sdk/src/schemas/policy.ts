import type { Schemas } from '../core/types.js';
import type { Assert, SameShape } from './check.js';
import { DecisionValue, ReasonCode, RiskTier, Sha256Hex, Timestamp } from './common.js';
import * as z from './z.js';

const ConditionSchema = z.object({
  path: z.string(),
  operator: z.enum([
    '==',
    '!=',
    '>',
    '>=',
    '<',
    '<=',
    'in',
    'not_in',
    'contains',
    'starts_with',
    'ends_with',
    'glob',
    'exists',
    'missing',
    'type',
    'path_within',
  ]),
  value: z.optional(z.unknown()),
});

const WindowSeconds = z.number();

const PolicyLimitSchema = z.object({
  rate: z.optional(z.object({ max: z.number(), window_seconds: WindowSeconds })),
  budget: z.optional(z.object({ arg: z.string(), max: z.number(), window_seconds: WindowSeconds })),
  per: z.optional(z.array(z.enum(['agent_id', 'user_id', 'tool']))),
});

const PolicySchema = z.object({
  id: z.string(),
  version: z.number(),
  description: z.optional(z.string()),
  default: z.optional(
    z.object({ decision: DecisionValue, reason: ReasonCode, risk_tier: z.optional(RiskTier) }),
  ),
  rules: z.array(
    z.object({
      id: z.string(),
      description: z.optional(z.string()),
      when: z.optional(z.array(ConditionSchema)),
      any: z.optional(z.array(ConditionSchema)),
      limit: z.optional(PolicyLimitSchema),
      decision: DecisionValue,
      reason: ReasonCode,
      risk_tier: z.optional(RiskTier),
    }),
  ),
});

export const PolicyDocumentSchema = z.object({
  policy: PolicySchema,
  hash: Sha256Hex,
  updated_at: Timestamp,
});

export type _PolicyInSync = Assert<
  SameShape<z.infer<typeof PolicyDocumentSchema>, Schemas['PolicyDocument']>
>;
