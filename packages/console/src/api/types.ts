/** The API shapes the console reads, from the SDK's types (generated from the contract). Types only. */
import type { ApprovalRequest, ApprovedTool } from '@actpass/sdk';

export type {
  ApprovalRequest,
  ApprovedTool,
  ChainVerification,
  EvidenceEvent,
  EvidenceExport,
  EvidencePage,
  PassportRevocation,
  PolicyDocument,
  ToolDefinition,
} from '@actpass/sdk';

/** What the inspection of a tool definition found (`excerpt` and `decoded` come escaped). */
export type ToolFinding = NonNullable<ApprovedTool['findings']>[number];

/** A held request; `summary` (why, in words) is read when the gateway sends it. */
export type HeldRequest = ApprovalRequest & { summary?: string };

/** A suspension as the gateway returns it (the kill switch for an agent, user, tool glob or tenant). */
export interface Suspension {
  id: string;
  scope: string;
  match: string;
  reason: string;
  status: string;
  created_at: string;
  created_by: string;
  until?: string;
}
