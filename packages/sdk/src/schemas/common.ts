import * as z from 'zod/mini';

// Response checks are structural plus enums: they pin what the SDK and its callers rely on. Unknown
// fields pass (z.object does not reject them, and results are the raw JSON, so they stay readable).

export const JsonObject = z.record(z.string(), z.unknown());
export const Timestamp = z.string();
export const Sha256Hex = z.string();
export const ReasonCode = z.string();
export const RiskTier = z.enum(['low', 'medium', 'high', 'critical']);
export const Mode = z.enum(['enforce', 'monitor', 'warn', 'strict']);
export const DecisionValue = z.enum(['allow', 'deny', 'require_approval', 'require_tool_reapproval', 'warn']);
