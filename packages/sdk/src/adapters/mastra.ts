/**
 * `@actpass/sdk/mastra`: one ActPass interceptor over a Mastra agent's tools. Every call is decided
 * before the tool body runs, after Mastra validated the model's input; held calls answer the `BLOCKED`
 * text or, with `approvals: 'durable'`, suspend the run through Mastra's own suspend and resume.
 */
export {
  type BlockedResult,
  blockedResult,
  blockedText,
  isBlockedResult,
  isToolBlockedError,
  ToolBlockedError,
} from './blocked.js';
export type { HeldCall, HeldStatus } from './intercept.js';
export {
  type MastraHeldCall,
  type MastraInterceptOptions,
  type MastraInterceptor,
  type MastraResumed,
  type MastraSuspendedResult,
  type MastraSuspension,
  type MastraToolCall,
  mastraInterceptor,
} from './mastra-interceptor.js';
export type { PerCall } from './options.js';
export { isToolName, type ToolNameOption } from './tool-name.js';
