export { toolDefinitionHash } from './hash.js';
export { catalogOf, inspectForApproval, inspectListing, type ToolFinding } from './inspection.js';
export {
  checkTools,
  LOCK_FORMAT,
  lockTools,
  normalizeListing,
  readLock,
  type ToolCheck,
  ToolListingError,
  type ToolLock,
} from './lock.js';
export {
  type DriftFinding,
  type DriftProbe,
  type InspectedTool,
  SuspiciousToolError,
  type ToolApprovalInput,
  ToolService,
} from './service.js';
