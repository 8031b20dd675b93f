import * as z from './z.js';

// Response checks are structural plus enums: they pin what the SDK and its callers rely on. Unknown
// fields pass (z.object does not reject them, and results are the raw JSON, so they stay readable).

export const JsonObject = z.record(z.string(), z.unknown());
export const Timestamp = z.string();
// The patterns a decision's trust rests on (hashes, ids, reason codes), from the contract: a decision
// whose evidence id or hashes are malformed was not sealed by a gateway, so it fails closed.
export const Sha256Hex = z.string().check(z.regex(/^[0-9a-f]{64}$/));
export const ReasonCode = z.string().check(z.regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/));
export const EvidenceEventId = z.string().check(z.regex(/^ev_[A-Za-z0-9_-]+$/));
export const ApprovalRequestId = z.string().check(z.regex(/^apr_[A-Za-z0-9_-]+$/));
export const PassportId = z.string().check(z.regex(/^ap_[A-Za-z0-9_-]+$/));
export const RiskTier = z.enum(['low', 'medium', 'high', 'critical']);
export const Mode = z.enum(['enforce', 'monitor', 'warn', 'strict']);
export const DecisionValue = z.enum(['allow', 'deny', 'require_approval', 'require_tool_reapproval', 'warn']);
