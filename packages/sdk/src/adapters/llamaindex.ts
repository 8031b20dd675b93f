/**
 * `@actpass/sdk/llamaindex`: one ActPass interceptor over a LlamaIndex.TS agent (`agent()`,
 * `multiAgent()`, `FunctionAgent`). Every tool call is decided before the tool body runs, after its
 * arguments were checked against the tool's schema; a refused call answers `BLOCKED <reason_code>: …`,
 * and a held one names its approval request, which the model's retry after approval releases once.
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
  guardAgent,
  type LlamaIndexAgent,
  type LlamaIndexAgentWorkflow,
  type LlamaIndexInterceptOptions,
  type LlamaIndexInterceptor,
  type LlamaIndexTool,
  type LlamaIndexToolCall,
  llamaIndexInterceptor,
} from './llamaindex-interceptor.js';
export type { GuardToolOptions, PerCall } from './options.js';
export { isToolName, type ToolNameOption } from './tool-name.js';
