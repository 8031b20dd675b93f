export type { CompileResult } from './compile.js';
export { compilePolicy, loadPolicy } from './compile.js';
export {
  DECISIONS,
  NO_MATCH_REASON,
  OPERATORS,
  PATH_ROOTS,
  RISK_TIER_BY_DECISION,
  RISK_TIERS,
} from './constants.js';
export { PolicyError } from './errors.js';
export { evaluate, evaluateLinear } from './evaluate.js';
export type { GlobMatcher } from './glob.js';
export { compileGlob, globMatch } from './glob.js';
export { policyHash } from './hash.js';
export { validateLimit } from './limit.js';
export {
  compileResourceGlob,
  compileToolGlob,
  isToolName,
  resourceGlobMatch,
  TOOL_NAME_PATTERN,
  toolGlobMatch,
  toolGlobProblem,
} from './names.js';
export type { PackName } from './packs.js';
export { isPackName, loadPack, PACK_NAMES, packSource } from './packs.js';
export type { ShadowedRule } from './shadow.js';
export { findShadowedRules } from './shadow.js';
export type {
  DecisionTransition,
  PolicySimulation,
  RecordedEvent,
  SimulatedChange,
  SimulatedOutcome,
  SimulationPage,
  SimulationWindow,
} from './simulate.js';
export { simulatePolicy } from './simulate.js';
export type {
  CompiledPolicy,
  CompiledRule,
  Condition,
  DecisionValue,
  EvaluateOptions,
  JsonObject,
  JsonValue,
  Operator,
  PathRoot,
  Policy,
  PolicyDefault,
  PolicyInput,
  PolicyOutcome,
  PolicyProblem,
  ProblemCode,
  RiskTier,
  Rule,
  RuleLimit,
  TraceEntry,
} from './types.js';
