/**
 * Run-time flow control at the edges: what a proxied call is (its flow labels, from the operator's
 * configuration and the exposure scan's rules) and which session it belongs to. The gateway keeps
 * the labels and decides; the edges only say what they know about the call.
 */
export { type ClassifiedServer, serverLabels, toolLabels } from './classify.js';
export { type FlowSettings, parseFlowSettings } from './config.js';
export { FLOW_LABELS, type FlowLabel, isFlowLabel, labelsOfCategories } from './labels.js';
export { isSessionId, mintSessionId, sessionFromHeader } from './session.js';

/** The header a REST or MCP (HTTP) client names its session with. */
export const SESSION_HEADER = 'x-actpass-session';
