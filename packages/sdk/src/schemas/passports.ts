import type { Schemas } from '../core/types.js';
import type { Assert, SameShape } from './check.js';
import { JsonObject, PassportId, ReasonCode, RiskTier, Sha256Hex, Timestamp } from './common.js';
import * as z from './z.js';

export const PassportClaimsSchema = z.object({
  iss: z.string(),
  aud: z.string(),
  tenant_id: z.string(),
  agent_id: z.nullable(z.string()),
  user_id: z.nullable(z.string()),
  goal: z.string(),
  allowed_tools: z.array(z.string()),
  allowed_resources: z.array(z.string()),
  resource_constraints: JsonObject,
  risk_tier: RiskTier,
  approval_hash: z.nullable(Sha256Hex),
  action_hash: z.optional(Sha256Hex),
  iat: z.number(),
  nbf: z.number(),
  exp: z.number(),
  jti: PassportId,
});

export const IssuedPassportSchema = z.object({
  token: z.string(),
  jti: PassportId,
  expires_at: Timestamp,
  claims: PassportClaimsSchema,
});

export const PassportVerificationSchema = z.object({
  valid: z.boolean(),
  reason_code: z.optional(ReasonCode),
  message: z.optional(z.string()),
  claims: z.optional(PassportClaimsSchema),
});

export const PassportRevocationSchema = z.object({
  jti: z.string(),
  revoked: z.boolean(),
  reason: z.string(),
  revoked_at: Timestamp,
});

export type _PassportsInSync = [
  Assert<SameShape<z.infer<typeof IssuedPassportSchema>, Schemas['IssuedPassport']>>,
  Assert<SameShape<z.infer<typeof PassportVerificationSchema>, Schemas['PassportVerification']>>,
  Assert<SameShape<z.infer<typeof PassportRevocationSchema>, Schemas['PassportRevocation']>>,
];
