export {
  ApprovalService,
  type ApprovalViewer,
  type NewApproval,
  newApprovalId,
  publicApproval,
  type RerunLookup,
} from './service.js';
export { type ApprovalDelegationView, approvalView, type DelegationStatus } from './view.js';
