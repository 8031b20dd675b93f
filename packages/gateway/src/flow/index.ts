export { classificationProblems, type FlowClassification, ToolClassifier } from './classify.js';
export { FLOW_LABELS, type FlowLabel, isFlowLabel, type SessionKey, type SessionLabel } from './labels.js';
export { SESSION_LABEL_MAX_SESSIONS, SESSION_LABEL_TTL_MS } from './limits.js';
export { PostgresSessionLabelStore } from './postgres-store.js';
export {
  type FlowCall,
  FlowService,
  type FlowServiceOptions,
  SESSION_LABELED_EVENT,
  type SessionFlow,
} from './service.js';
export { readSessionClaim, type SessionClaim } from './session.js';
export { FileSessionLabelStore, MemorySessionLabelStore, type SessionLabelStore } from './store.js';
