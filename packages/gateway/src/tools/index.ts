export { toolDefinitionHash } from './hash.js';
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
export { type DriftFinding, type DriftProbe, ToolService } from './service.js';
