/**
 * `@actpass/sdk/ai`: `guard()` around Vercel AI SDK tools. The wrapped tool keeps its schema and
 * options; only `execute` changes, so `generateText`/`streamText` use it as before.
 */
import type { Tool } from 'ai';
import type { ActPass } from '../client.js';
import { MisconfiguredError } from '../core/errors.js';
import type { AiToolCall } from './ai-interceptor.js';
import { type BlockedResult, blockedResult, isBlockedResult, ToolBlockedError } from './blocked.js';
import { guardedCall, guardedOutcome } from './guarded-call.js';
import type { GuardToolOptions } from './options.js';
import { type ToolNameOption, toolName } from './tool-name.js';

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

/** A tool of the AI SDK has no name of its own (its key in `tools` is the name), so `tool` is required. */
export type AiGuardOptions<INPUT> = Omit<GuardToolOptions<INPUT, AiToolCall>, 'tool'> & { tool: string };

/**
 * Wraps one `tool({ inputSchema, execute })`: decided by ActPass before `execute` runs. A blocked call
 * returns the `BLOCKED` text, or, for a tool with its own `toModelOutput`, a {@link BlockedResult} that the
 * wrapped `toModelOutput` shows the model as that text.
 */
export function guardTool<INPUT, OUTPUT>(
  actpass: ActPass,
  tool: Tool<INPUT, OUTPUT>,
  options: AiGuardOptions<INPUT>,
): Tool<INPUT, OUTPUT | string | BlockedResult> {
  const name = toolName(options.tool, options.tool);
  const execute = tool.execute;
  if (typeof execute !== 'function') {
    throw new MisconfiguredError(
      `guardTool(): the AI SDK tool for "${name}" has no execute function; only tools that run here can be guarded`,
    );
  }
  const toModelOutput = tool.toModelOutput;
  if (typeof toModelOutput !== 'function') {
    const guarded = (input: INPUT, call: AiToolCall) =>
      guardedCall(
        actpass,
        options,
        name,
        input,
        call,
        () => execute(input, call) as OUTPUT,
        call.abortSignal,
      );
    return { ...tool, execute: guarded } as Tool<INPUT, OUTPUT | string | BlockedResult>;
  }
  // The tool turns its own output into what the model reads: a blocked call must not go through that
  // conversion (it would read a success out of fields that are not there), so it carries a
  // BlockedResult that the wrapped conversion turns into the BLOCKED text.
  const guarded = async (input: INPUT, call: AiToolCall): Promise<OUTPUT | BlockedResult> => {
    const outcome = await guardedOutcome(
      actpass,
      options,
      name,
      input,
      call,
      () => execute(input, call) as OUTPUT,
      call.abortSignal,
    );
    if (outcome.executed) return outcome.result;
    if (options.onBlocked === 'throw') throw new ToolBlockedError(name, outcome.decision);
    return blockedResult(outcome.decision);
  };
  const modelOutput = (output: Parameters<typeof toModelOutput>[0]) =>
    isBlockedResult(output.output)
      ? { type: 'text' as const, value: output.output.text }
      : toModelOutput(output);
  return { ...tool, execute: guarded, toModelOutput: modelOutput } as unknown as Tool<
    INPUT,
    OUTPUT | string | BlockedResult
  >;
}

/** Options for a whole `tools` record: `tool` may map each key to an ActPass name (default: the key). */
export type AiGuardToolsOptions = GuardToolOptions<unknown, AiToolCall> & { tool?: ToolNameOption };

type GuardedTools<TOOLS extends Record<string, Tool>> = {
  [K in keyof TOOLS]: TOOLS[K] extends Tool<infer INPUT, infer OUTPUT>
    ? Tool<INPUT, OUTPUT | string | BlockedResult>
    : never;
};

/** Wraps every tool of a `tools` record; each key is the tool's name unless `tool` maps it. */
export function guardTools<TOOLS extends Record<string, Tool>>(
  actpass: ActPass,
  tools: TOOLS,
  options: AiGuardToolsOptions,
): GuardedTools<TOOLS> {
  const guarded: Record<string, Tool> = {};
  for (const [key, tool] of Object.entries(tools)) {
    guarded[key] = guardTool(actpass, tool, { ...options, tool: toolName(options.tool, key) });
  }
  return guarded as GuardedTools<TOOLS>;
}

export {
  type AiHeldCall,
  type AiInterceptOptions,
  type AiInterceptor,
  type AiResponded,
  type AiToolCall,
  aiInterceptor,
} from './ai-interceptor.js';
export type {
  AiApprovalRequest,
  AiApprovalStatus,
  AiSingleToolApproval,
  AiToolApproval,
} from './ai-tool-approval.js';
export type { HeldCall, HeldStatus } from './intercept.js';
