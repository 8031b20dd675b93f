/** The API shapes the console reads, from the SDK's types (generated from the contract). Types only. */
export type {
  ApprovalRequest,
  ChainVerification,
  EvidenceEvent,
  EvidenceExport,
  EvidencePage,
  PolicyDocument,
} from '@actpass/sdk';
