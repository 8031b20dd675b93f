/**
 * One ActPass middleware for a LangChain v1 agent (`createAgent({ middleware: [actpassMiddleware(client,
 * { goal })] })`): its `wrapToolCall` hook decides every tool call the agent makes — MCP tools loaded
 * with `@langchain/mcp-adapters` included — after the tool's own schema accepted the arguments. In
 * durable mode a held call pauses the agent with LangGraph's `interrupt` (a checkpointer keeps the
 * run); once a person decided in ActPass, `resume(...)` gives the `Command({ resume })` value and the
 * re-run call is decided again, releasing an approved request exactly once.
 */
import { ToolMessage } from '@langchain/core/messages';
import { Validator } from '@langchain/core/utils/json_schema';
import { interopSafeParseAsync, isInteropZodSchema } from '@langchain/core/utils/types';
// Types only: the `@actpass/sdk/langchain` entry must load without `langchain` for tools-only users.
import type { AgentMiddleware, ToolCallHandler, ToolCallRequest } from 'langchain';
import type { ActPass } from '../client.js';
import { MisconfiguredError } from '../core/errors.js';
import { blockedResult, ToolBlockedError } from './blocked.js';
import {
  decideCall,
  type HeldCall,
  HeldCalls,
  type HeldStatus,
  heldStatus,
  type InterceptOptions,
  isDurableHold,
} from './intercept.js';
import { toolName } from './tool-name.js';

/** What the per-call options receive besides the arguments: the hook's request (state, runtime, tool). */
export type LangChainMiddlewareCall = ToolCallRequest;
export type LangChainMiddlewareOptions = InterceptOptions<LangChainMiddlewareCall>;

/** The value a held call interrupts the agent with (found in `result.__interrupt__` and the state). */
export interface ActPassInterrupt {
  actpass: HeldCall & { text: string };
}

/** The outcome of {@link LangChainInterceptor.resume}. */
export interface LangChainResumed {
  /** Pass as `new Command({ resume })`: one value per interrupt id. */
  resume: Record<string, { approvalRequestId: string; status: HeldStatus['status'] }>;
  /** Held calls still waiting for a person; resuming now tells the model they still wait. */
  pending: HeldCall[];
  statuses: HeldStatus[];
}

export interface LangChainInterceptor {
  readonly middleware: AgentMiddleware;
  /**
   * Reads the held requests of the agent's interrupts from ActPass (never a flag of the app's), and
   * prepares the re-run: approved calls carry their request id, which releases it exactly once.
   */
  resume(interrupts: ReadonlyArray<{ id?: string; value?: unknown }>): Promise<LangChainResumed>;
}

const MIDDLEWARE_BRAND = Symbol.for('AgentMiddleware');

function heldOf(value: unknown): HeldCall | undefined {
  const held = (value as Partial<ActPassInterrupt> | undefined)?.actpass;
  return held && typeof held.callId === 'string' && typeof held.approvalRequestId === 'string'
    ? held
    : undefined;
}

/** True when the tool's own schema accepts the arguments (checked as the tool itself checks them). */
async function parsedArguments(
  request: ToolCallRequest,
): Promise<{ ok: boolean; args: Record<string, unknown> }> {
  const args = (request.toolCall.args ?? {}) as Record<string, unknown>;
  const schema = (request.tool as { schema?: unknown } | undefined)?.schema;
  if (schema === undefined) return { ok: true, args };
  if (isInteropZodSchema(schema)) {
    const parsed = await interopSafeParseAsync(schema, args);
    if (!parsed.success) return { ok: false, args };
    const data = parsed.data;
    return {
      ok: true,
      args: typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : { input: data },
    };
  }
  if (typeof schema === 'object' && schema !== null) {
    return { ok: new Validator(schema as never).validate(args).valid, args };
  }
  return { ok: true, args };
}

export function langchainInterceptor(
  actpass: ActPass,
  options: LangChainMiddlewareOptions,
): LangChainInterceptor {
  const held = new HeldCalls();
  const durable = options.approvals === 'durable';

  // biome-ignore lint/suspicious/noExplicitAny: any agent state
  const wrapToolCall = async (request: ToolCallRequest<any>, handler: ToolCallHandler<any>) => {
    const call = request.toolCall;
    const parsed = await parsedArguments(request);
    // The tool's own validation answers invalid arguments, as without the middleware: never decided.
    if (!parsed.ok) return handler(request);
    const name = toolName(options.tool, call.name);
    const callId = call.id ?? '';
    const resumed = held.take(callId);
    const verdict = await decideCall(
      actpass,
      options,
      name,
      parsed.args,
      request,
      resumed?.approvalRequestId,
      request.runtime?.signal,
    );
    if (verdict.run) return handler(request);
    if (options.onBlocked === 'throw') throw new ToolBlockedError(name, verdict.decision);
    if (durable && isDurableHold(verdict.decision) && !resumed) {
      const interrupt = (request.runtime as { interrupt?: (value: unknown) => unknown } | undefined)
        ?.interrupt;
      if (typeof interrupt !== 'function') {
        throw new MisconfiguredError(
          'actpassMiddleware(): durable approvals need a checkpointer: createAgent({ …, checkpointer: new MemorySaver() }) and a thread_id in the config',
        );
      }
      const value: ActPassInterrupt = {
        actpass: {
          callId,
          tool: name,
          approvalRequestId: verdict.decision.approval_request_id as string,
          text: verdict.text,
        },
      };
      // Pauses the run here; on a resume without a decision read by resume(), the call stays held.
      interrupt(value);
    }
    const content =
      (request.tool as { responseFormat?: string } | undefined)?.responseFormat === 'content_and_artifact'
        ? { content: verdict.text, artifact: blockedResult(verdict.decision) }
        : { content: verdict.text };
    return new ToolMessage({ ...content, name: call.name, tool_call_id: callId, status: 'error' });
  };
  // What langchain's createMiddleware() builds, without loading langchain here: its brand, a name, the hook.
  const middleware = {
    [MIDDLEWARE_BRAND]: true,
    name: 'ActPassMiddleware',
    wrapToolCall,
  } as unknown as AgentMiddleware;

  return {
    middleware,
    async resume(interrupts) {
      const resume: LangChainResumed['resume'] = {};
      const pending: HeldCall[] = [];
      const statuses: HeldStatus[] = [];
      for (const item of interrupts) {
        const call = heldOf(item.value);
        if (!call || !item.id) continue;
        const status = await heldStatus(actpass, call);
        statuses.push(status);
        if (status.status === 'pending') pending.push(call);
        // Approved or refused alike, the re-run call is decided with the request id: the gateway
        // releases an approved request once and answers a denied or expired one with its reason.
        else held.hold(call);
        resume[item.id] = { approvalRequestId: call.approvalRequestId, status: status.status };
      }
      return { resume, pending, statuses };
    },
  };
}

/** The one-line form: `createAgent({ …, middleware: [actpassMiddleware(client, { goal })] })`. */
export function actpassMiddleware(actpass: ActPass, options: LangChainMiddlewareOptions): AgentMiddleware {
  return langchainInterceptor(actpass, options).middleware;
}
