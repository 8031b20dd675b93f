/**
 * `@actpass/sdk/openai-agents`: `guard()` around OpenAI Agents SDK function tools. `guardTool` takes
 * the same options as the SDK's `tool()` (or a `FunctionTool` already built) and builds the tool with a
 * guarded `execute`, so the schema still types the input, the SDK validates the model's arguments
 * first, and the gateway decides on exactly what `execute` receives.
 */
import {
  type FunctionTool,
  type RunContext,
  type ToolExecuteArgument,
  type ToolInputParameters,
  type ToolOptions,
  type ToolOutputSchema,
  tool,
} from '@openai/agents';
import type { ActPass } from '../client.js';
import type { PreflightDecision } from '../core/decision.js';
import { MisconfiguredError } from '../core/errors.js';
import { blockedText, isToolBlockedError, ToolBlockedError } from './blocked.js';
import { guardedCall, guardedOutcome } from './guarded-call.js';
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

type ToolCallDetails = Parameters<FunctionTool['invoke']>[2];
// The wrappers take tools of any context, parameters and result, as the SDK's own `AnyFunctionTool`.
// biome-ignore lint/suspicious/noExplicitAny: any context, parameters and result
type AnyFunctionTool = FunctionTool<any, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: any context
type AnyRunContext = RunContext<any>;
// biome-ignore lint/suspicious/noExplicitAny: any parameters and context
type AnyToolOptions = ToolOptions<any, any>;

/** What the per-call options receive besides the input: the run's context and the call's details. */
export interface AgentsToolCall<Context> {
  runContext: RunContext<Context> | undefined;
  details: ToolCallDetails | undefined;
}

/** The guard options of an OpenAI Agents tool. */
export type AgentsGuardOptions<I, Context> = GuardToolOptions<I, AgentsToolCall<Context>> & {
  /**
   * For a tool with an `outputSchema`: the value (matching that schema) a blocked call answers, e.g.
   * `(decision, text) => ({ ok: false, message: text })`. Without it, a blocked call of such a tool goes
   * to the tool's own `errorFunction` as a ToolBlockedError.
   */
  blockedOutput?: (decision: PreflightDecision, text: string) => unknown;
};

type Execute<TParameters extends ToolInputParameters, Context, Result> = (
  input: ToolExecuteArgument<TParameters>,
  runContext?: RunContext<Context>,
  details?: ToolCallDetails,
) => Result | Promise<Result>;

type ErrorFunction = (context: RunContext<unknown>, error: unknown, details?: ToolCallDetails) => unknown;

/** The SDK's own wording for a failed tool (it does not export its default handler). */
function frameworkDefaultError(_context: RunContext<unknown>, error: unknown): string {
  const details = error instanceof Error ? error.toString() : String(error);
  return `An error occurred while running the tool. Please try again. Error: ${details}`;
}

/**
 * The tool's error handler, except that a blocked call is answered with the BLOCKED text: the SDK's
 * default ("An error occurred… Please try again") would hide the reason and invite a blind retry.
 * `errorFunction: null` (the SDK's "let errors fail the run") is kept as it is.
 */
function blockedAwareErrorFunction(given: unknown, structured: boolean): ErrorFunction | null | undefined {
  if (given === null) return null;
  if (structured) return given as ErrorFunction | undefined; // only the author knows a schema-shaped answer
  const fallback = typeof given === 'function' ? (given as ErrorFunction) : frameworkDefaultError;
  return (context, error, details) =>
    isToolBlockedError(error) ? error.message : fallback(context, error, details);
}

function isFunctionTool(value: unknown): value is AnyFunctionTool {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'function' &&
    typeof (value as { invoke?: unknown }).invoke === 'function'
  );
}

/**
 * Like `tool({ name, description, parameters, execute })`, with `execute` decided by ActPass first; or
 * a `FunctionTool` already built, whose invocation is decided first. The ActPass tool name defaults to
 * the tool's `name`.
 */
export function guardTool<
  Context = unknown,
  TParameters extends ToolInputParameters = ToolInputParameters,
  Result = unknown,
>(
  actpass: ActPass,
  built: FunctionTool<Context, TParameters, Result>,
  guard: AgentsGuardOptions<Record<string, unknown>, Context>,
): FunctionTool<Context, TParameters, Result | string>;
export function guardTool<
  TParameters extends ToolInputParameters = undefined,
  Context = unknown,
  Result = string,
  TOutputSchema extends ToolOutputSchema | undefined = undefined,
>(
  actpass: ActPass,
  options: ToolOptions<TParameters, Context, TOutputSchema> & {
    execute: Execute<TParameters, Context, Result>;
  },
  guard: AgentsGuardOptions<ToolExecuteArgument<TParameters>, Context>,
): FunctionTool<Context, TParameters, Result | string>;
export function guardTool(
  actpass: ActPass,
  options: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: the overloads type the input; here it is what the SDK parsed
  guard: AgentsGuardOptions<any, unknown>,
): unknown {
  if (isFunctionTool(options)) return guardBuiltTool(actpass, options, guard);
  const given = options as AnyToolOptions & {
    execute: Execute<ToolInputParameters, unknown, unknown>;
    outputSchema?: unknown;
    errorFunction?: unknown;
  };
  const execute = given.execute;
  if (typeof execute !== 'function') {
    throw new MisconfiguredError('guardTool(): the tool options have no execute function');
  }
  const frameworkName = given.name ?? execute.name;
  const name = toolName(guard.tool, frameworkName);
  const structured = given.outputSchema !== undefined;
  if (structured && !guard.blockedOutput && typeof given.errorFunction !== 'function') {
    throw new MisconfiguredError(
      `guardTool(): the tool "${frameworkName}" has an outputSchema, so a blocked call needs an answer of that shape: pass blockedOutput: (decision, text) => ({ … }) in the guard options, or an errorFunction in the tool options (it receives a ToolBlockedError)`,
    );
  }
  const guarded = async (input: unknown, runContext?: AnyRunContext, details?: ToolCallDetails) => {
    const outcome = await guardedOutcome(
      actpass,
      guard,
      name,
      input,
      { runContext, details },
      () => execute(input as never, runContext, details),
      details?.signal,
    );
    if (outcome.executed) return outcome.result;
    if (guard.onBlocked === 'throw') throw new ToolBlockedError(name, outcome.decision);
    if (structured && guard.blockedOutput)
      return guard.blockedOutput(outcome.decision, blockedText(outcome.decision));
    if (structured) throw new ToolBlockedError(name, outcome.decision); // to the author's errorFunction
    return blockedText(outcome.decision);
  };
  const errorFunction = blockedAwareErrorFunction(given.errorFunction, structured);
  return tool({
    ...given,
    name: frameworkName,
    execute: guarded,
    ...(errorFunction === undefined ? {} : { errorFunction }),
  } as AnyToolOptions);
}

/**
 * A `FunctionTool` already built parses and validates its input inside `invoke`, after which nothing
 * can be awaited before its `execute`; so the decision is asked on the parsed JSON first and input that
 * is not a JSON object goes straight to the tool, which rejects it as it always does.
 */
function guardBuiltTool(
  actpass: ActPass,
  built: AnyFunctionTool,
  guard: AgentsGuardOptions<Record<string, unknown>, unknown>,
): AnyFunctionTool {
  const name = toolName(guard.tool, built.name);
  const invoke = built.invoke.bind(built);
  const structured = built.outputSchema !== undefined;
  if (structured && !guard.blockedOutput) {
    throw new MisconfiguredError(
      `guardTool(): the tool "${built.name}" has an outputSchema, so a blocked call needs an answer of that shape: pass blockedOutput: (decision, text) => ({ … }) in the guard options`,
    );
  }
  const guardedInvoke = async (runContext: AnyRunContext, input: string, details?: ToolCallDetails) => {
    let parsed: unknown;
    try {
      parsed = input === '' ? {} : JSON.parse(input);
    } catch {
      return invoke(runContext, input, details);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return invoke(runContext, input, details);
    }
    if (structured && guard.blockedOutput) {
      const outcome = await guardedOutcome(
        actpass,
        guard,
        name,
        parsed as Record<string, unknown>,
        { runContext, details },
        () => invoke(runContext, input, details),
        details?.signal,
      );
      if (outcome.executed) return outcome.result;
      if (guard.onBlocked === 'throw') throw new ToolBlockedError(name, outcome.decision);
      return guard.blockedOutput(outcome.decision, blockedText(outcome.decision));
    }
    return guardedCall(
      actpass,
      guard,
      name,
      parsed as Record<string, unknown>,
      { runContext, details },
      () => invoke(runContext, input, details),
      details?.signal,
    );
  };
  return { ...built, invoke: guardedInvoke };
}

export type { HeldCall, HeldStatus } from './intercept.js';
export {
  type AgentsInterceptedCall,
  type AgentsInterceptOptions,
  type AgentsInterceptor,
  agentInterceptor,
  guardAgent,
  type Resumed,
} from './openai-agents-interceptor.js';
