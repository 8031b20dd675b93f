export { coveringSuspension, type SuspendableAction, suspendedReason } from './scope.js';
export {
  describeSuspension,
  SuspensionService,
  type SuspensionStatus,
  type SuspensionView,
  statusOf,
} from './service.js';
export { type SuspensionInput, validateSuspension } from './validate.js';
