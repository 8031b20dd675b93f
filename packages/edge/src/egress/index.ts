export {
  checkEgress,
  type EgressCheckOptions,
  type EgressFinding,
  type EgressReport,
  type EgressTarget,
} from './check.js';
export { type ProbeOutcome, type ProbeResult, probe } from './probe.js';
