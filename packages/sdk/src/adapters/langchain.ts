/**
 * `@actpass/sdk/langchain`: `guard()` around LangChain.js tools. `guardTool` wraps a tool made with
 * `tool(fn, { name, schema })` (a `DynamicStructuredTool`) into one with the same name, description and
 * schema whose function is decided by ActPass first, on the input the schema parsed.
 */
import type { CallbackManagerForToolRun } from '@langchain/core/callbacks/manager';
import type { RunnableConfig } from '@langchain/core/runnables';
import { DynamicStructuredTool, type ToolRunnableConfig } from '@langchain/core/tools';
import type { ActPass } from '../client.js';
import { blockedResult, blockedText, ToolBlockedError } from './blocked.js';
import { guardedOutcome } from './guarded-call.js';
import type { GuardToolOptions } from './options.js';
import { toolName } from './tool-name.js';

export {
  type BlockedResult,
  blockedResult,
  blockedText,
  isBlockedResult,
  isToolBlockedError,
  ToolBlockedError,
} from './blocked.js';
export type { GuardToolOptions, PerCall } from './options.js';
export { isToolName, type ToolNameOption } from './tool-name.js';

/** What the per-call options receive besides the input: the run's config (`configurable`, `toolCall`). */
export interface LangChainToolCall {
  config: ToolRunnableConfig | undefined;
}

/** Wraps a LangChain tool; the ActPass tool name defaults to the tool's `name`. */
export function guardTool<
  SchemaT,
  SchemaOutputT,
  SchemaInputT,
  ToolOutputT,
  ToolEventT,
  NameT extends string,
>(
  actpass: ActPass,
  tool: DynamicStructuredTool<SchemaT, SchemaOutputT, SchemaInputT, ToolOutputT, ToolEventT, NameT>,
  options: GuardToolOptions<SchemaOutputT, LangChainToolCall>,
): DynamicStructuredTool<SchemaT, SchemaOutputT, SchemaInputT, ToolOutputT | string, ToolEventT, NameT> {
  const name = toolName(options.tool, tool.name);
  // A `content_and_artifact` tool must answer a [content, artifact] pair; a blocked call answers the
  // BLOCKED text as content and the structured BlockedResult as artifact.
  const pairs = tool.responseFormat === 'content_and_artifact';
  const func = async (
    input: SchemaOutputT,
    runManager?: CallbackManagerForToolRun,
    config?: RunnableConfig,
  ) => {
    const outcome = await guardedOutcome(
      actpass,
      options,
      name,
      input,
      { config: config as ToolRunnableConfig | undefined },
      () => tool.func(input, runManager, config) as Promise<ToolOutputT>,
      config?.signal,
    );
    if (outcome.executed) return outcome.result;
    if (options.onBlocked === 'throw') throw new ToolBlockedError(name, outcome.decision);
    return (
      pairs ? [blockedText(outcome.decision), blockedResult(outcome.decision)] : blockedText(outcome.decision)
    ) as ToolOutputT | string;
  };
  return new DynamicStructuredTool<
    SchemaT,
    SchemaOutputT,
    SchemaInputT,
    ToolOutputT | string,
    ToolEventT,
    NameT
  >({
    name: tool.name,
    description: tool.description,
    schema: tool.schema,
    func,
    returnDirect: tool.returnDirect,
    responseFormat: tool.responseFormat,
    verboseParsingErrors: tool.verboseParsingErrors,
    verbose: tool.verbose,
    ...(tool.metadata ? { metadata: tool.metadata } : {}),
    ...(tool.tags ? { tags: tool.tags } : {}),
    ...(tool.extras ? { extras: tool.extras } : {}),
    ...(tool.defaultConfig ? { defaultConfig: tool.defaultConfig } : {}),
    ...(tool.callbacks ? { callbacks: tool.callbacks } : {}),
  });
}

export type { HeldCall, HeldStatus } from './intercept.js';
export {
  type ActPassInterrupt,
  actpassMiddleware,
  type LangChainInterceptor,
  type LangChainMiddlewareCall,
  type LangChainMiddlewareOptions,
  type LangChainResumed,
  langchainInterceptor,
} from './langchain-middleware.js';
