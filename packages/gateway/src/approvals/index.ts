export {
  ApprovalService,
  type ApprovalViewer,
  type NewApproval,
  newApprovalId,
  publicApproval,
  type RerunLookup,
} from './service.js';
