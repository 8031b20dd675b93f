export { ApprovalListSchema, ApprovalRequestSchema } from './approvals.js';
export { CredentialDeletionSchema, CredentialListSchema, CredentialMetadataSchema } from './credentials.js';
export { DecisionSchema } from './decision.js';
export {
  ChainVerificationSchema,
  EvidenceEventSchema,
  EvidenceExportSchema,
  EvidencePageSchema,
} from './evidence.js';
export { HealthSchema, JwksSchema } from './meta.js';
export {
  IssuedPassportSchema,
  PassportRevocationSchema,
  PassportVerificationSchema,
} from './passports.js';
export { PolicyDocumentSchema } from './policy.js';
export { PolicySimulationSchema, RolloutReportSchema, WhoAmISchema } from './reports.js';
export { ApprovedToolSchema, ToolListSchema } from './tools.js';
