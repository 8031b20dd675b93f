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
