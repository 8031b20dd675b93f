/**
 * `@actpass/sdk/google-adk`: one ActPass interceptor over a Google ADK `LlmAgent`, through ADK's own
 * `beforeToolCallback`. Every tool the agent runs (function tools, toolsets, MCP tools) is decided first,
 * after its arguments were checked against the tool's declaration; held calls answer the `BLOCKED` text
 * or, with `approvals: 'durable'`, pause the run through ADK's tool confirmation.
 */
export {
  type BlockedResult,
  blockedResult,
  blockedText,
  isBlockedResult,
  isToolBlockedError,
  ToolBlockedError,
} from './blocked.js';
export {
  ApprovalStillPendingError,
  CONFIRMATION_CALL,
  type GoogleAdkBlockedResponse,
  type GoogleAdkConfirmationMessage,
  type GoogleAdkHeldCall,
  type GoogleAdkInterceptOptions,
  type GoogleAdkInterceptor,
  type GoogleAdkResumed,
  type GoogleAdkSessionLike,
  type GoogleAdkToolCall,
  googleAdkInterceptor,
  guardAgent,
} from './google-adk-interceptor.js';
export type { HeldCall, HeldStatus } from './intercept.js';
export type { PerCall } from './options.js';
export { isToolName, type ToolNameOption } from './tool-name.js';
