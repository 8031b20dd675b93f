/**
 * `@actpass/sdk/openai-agents`: `guard()` around OpenAI Agents SDK function tools. `guardTool` takes
 * the same options as the SDK's `tool()` and builds the tool with a guarded `execute`, so the schema
 * still types the input and the gateway decides on exactly what `execute` receives.
 */
import {
  type FunctionTool,
  type RunContext,
  type ToolExecuteArgument,
  type ToolInputParameters,
  type ToolOptions,
  tool,
} from '@openai/agents';
import type { ActPass } from '../client.js';
import { MisconfiguredError } from '../core/errors.js';
import { guardedCall } from './guarded-call.js';
import type { GuardToolOptions } from './options.js';
import { toolName } from './tool-name.js';

export { blockedText, isToolBlockedError, ToolBlockedError } from './blocked.js';
export type { GuardToolOptions, PerCall } from './options.js';
export { isToolName, type ToolNameOption } from './tool-name.js';

type ToolCallDetails = Parameters<FunctionTool['invoke']>[2];

/** What the per-call options receive besides the input: the run's context and the call's details. */
export interface AgentsToolCall<Context> {
  runContext: RunContext<Context> | undefined;
  details: ToolCallDetails | undefined;
}

type Execute<TParameters extends ToolInputParameters, Context, Result> = (
  input: ToolExecuteArgument<TParameters>,
  runContext?: RunContext<Context>,
  details?: ToolCallDetails,
) => Result | Promise<Result>;

/**
 * Like `tool({ name, description, parameters, execute })`, with `execute` decided by ActPass first.
 * The ActPass tool name defaults to the tool's `name`.
 */
export function guardTool<
  TParameters extends ToolInputParameters = undefined,
  Context = unknown,
  Result = string,
>(
  actpass: ActPass,
  options: ToolOptions<TParameters, Context> & { execute: Execute<TParameters, Context, Result> },
  guard: GuardToolOptions<ToolExecuteArgument<TParameters>, AgentsToolCall<Context>>,
): FunctionTool<Context, TParameters, Result | string> {
  const execute = options.execute;
  if (typeof execute !== 'function') {
    throw new MisconfiguredError('guardTool(): the tool options have no execute function');
  }
  const frameworkName = options.name ?? execute.name;
  const name = toolName(guard.tool, frameworkName);
  const guarded = (
    input: ToolExecuteArgument<TParameters>,
    runContext?: RunContext<Context>,
    details?: ToolCallDetails,
  ) =>
    guardedCall(
      actpass,
      guard,
      name,
      input,
      { runContext, details },
      () => execute(input, runContext, details),
      details?.signal,
    );
  const built = tool({ ...options, name: frameworkName, execute: guarded } as ToolOptions<
    TParameters,
    Context
  >);
  return built as unknown as FunctionTool<Context, TParameters, Result | string>;
}
