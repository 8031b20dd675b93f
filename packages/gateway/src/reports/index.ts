export {
  type DecisionCounts,
  type ReportBucket,
  type RolloutBucket,
  type RolloutCount,
  type RolloutOptions,
  type RolloutReport,
  rolloutReport,
  type WouldBlockAction,
} from './rollout.js';
export { type ReportWindow, resolveWindow, type WindowInput } from './window.js';
