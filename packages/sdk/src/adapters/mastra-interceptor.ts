/**
 * One ActPass interceptor over a Mastra agent's tools (`tools: interceptor.tools({...})`, MCP tools from
 * `@mastra/mcp` included). Each tool is rebuilt as a Mastra `Tool` whose `execute` decides first: Mastra
 * has already parsed the model's input with the tool's `inputSchema` by then, so invalid input is
 * refused by Mastra and never decided. (An agent's `hooks.beforeToolCall` would run before that
 * validation, which is why the interceptor sits on the tools.)
 *
 * In durable mode a held call suspends the run through Mastra's own `suspend()`; the suspension names the
 * ActPass approval request and Mastra keeps it in its storage with the run. Resumed (`resumeGenerate`),
 * the call reads that request from ActPass — never the resume data the app passes — and runs only once
 * the gateway releases it.
 */
import type { Agent } from '@mastra/core/agent';
import { Tool, type ToolExecutionContext } from '@mastra/core/tools';
import type { ActPass } from '../client.js';
import type { PreflightDecision } from '../core/decision.js';
import { MisconfiguredError } from '../core/errors.js';
import { type BlockedResult, blockedResult, ToolBlockedError } from './blocked.js';
import {
  decideCall,
  type HeldCall,
  type HeldStatus,
  heldStatus,
  type InterceptOptions,
  isDurableHold,
} from './intercept.js';
import { toolName } from './tool-name.js';

/** What the per-call options receive besides the input: Mastra's tool execution context. */
export type MastraToolCall = ToolExecutionContext;

export type MastraInterceptOptions = InterceptOptions<MastraToolCall> & {
  /**
   * For tools with an `outputSchema`: the value a blocked call returns instead, in the tool's own
   * shape (Mastra validates it like any output). Without it such a tool fails the call through
   * Mastra's tool error path, with the `BLOCKED` text as the message, so it never looks like success.
   */
  blockedOutput?: (blocked: BlockedResult, tool: string) => unknown;
};

/** What the interceptor passes to Mastra's `suspend()` for a held call (kept in Mastra's storage). */
export interface MastraSuspension {
  actpass: { tool: string; approvalRequestId: string; text: string };
}

/** A run suspended on a held call: Mastra's run and tool call ids beside the ActPass request. */
export interface MastraHeldCall extends HeldCall {
  runId: string;
}

/** The parts of a `generate()` result this reads. */
export interface MastraSuspendedResult {
  finishReason?: string | undefined;
  runId?: string | undefined;
  suspendPayload?: unknown;
}

/** The outcome of {@link MastraInterceptor.resume}. */
export type MastraResumed<R> =
  | { status: 'pending'; held: MastraHeldCall; result?: undefined }
  | { status: 'approved' | 'refused'; held: MastraHeldCall; result: R };

// Any Mastra tool may be guarded, whatever its six type parameters (schemas, context, id).
// biome-ignore lint/suspicious/noExplicitAny: the tool's own types pass through unchanged
type AnyTool = Tool<any, any, any, any, any, any>;

export interface MastraInterceptor {
  /** The same tools, each decided by ActPass before it runs (ActPass names are the keys unless `tool` maps them). */
  tools<TOOLS extends Record<string, AnyTool>>(tools: TOOLS): TOOLS;
  /** The held call a `generate()` result suspended on, or undefined when the run did not stop on one. */
  held(result: MastraSuspendedResult): MastraHeldCall | undefined;
  /**
   * Reads the held request from ActPass: still pending → the run stays suspended (nothing is resumed);
   * otherwise the run is resumed with `agent.resumeGenerate`, and the call, decided again with the
   * request id, runs once if a person approved or answers `BLOCKED approval.denied: …` if not.
   */
  resume<R>(
    agent: Pick<Agent, 'resumeGenerate'>,
    held: MastraHeldCall,
    options?: Record<string, unknown>,
  ): Promise<MastraResumed<R>>;
}

export function mastraInterceptor(actpass: ActPass, options: MastraInterceptOptions): MastraInterceptor {
  const durable = options.approvals === 'durable';

  const intercept = (key: string, tool: AnyTool): AnyTool => {
    if (!isMastraTool(tool)) {
      throw new MisconfiguredError(
        `mastraInterceptor(): "${key}" is not a Mastra tool; build it with createTool() from @mastra/core/tools (for AI SDK tools use @actpass/sdk/ai)`,
      );
    }
    const name = toolName(options.tool, key);
    const execute = tool.execute;
    if (typeof execute !== 'function') {
      throw new MisconfiguredError(
        `mastraInterceptor(): the Mastra tool "${key}" has no execute function; only tools that run here can be guarded`,
      );
    }
    if (durable && tool.suspendSchema) {
      throw new MisconfiguredError(
        `mastraInterceptor(): the Mastra tool "${key}" suspends itself (suspendSchema), which durable approvals would collide with; guard it with approvals: 'result'`,
      );
    }
    const hasOutputSchema = tool.outputSchema !== undefined;

    const blocked = (decision: PreflightDecision): unknown => {
      if (options.onBlocked === 'throw') throw new ToolBlockedError(name, decision);
      const result = blockedResult(decision);
      if (options.blockedOutput) return options.blockedOutput(result, name);
      // A string would fail the tool's own output schema and read as a validation problem: fail instead.
      if (hasOutputSchema) throw new ToolBlockedError(name, decision);
      return result.text;
    };

    const guardedExecute = async (input: unknown, context: MastraToolCall) => {
      const agent = context?.agent;
      const suspension = suspensionOf(agent?.suspendPayload);
      // A resumed call of ours: the request comes from the suspension Mastra stored, its status from
      // ActPass. Pending → suspended again; otherwise decided with the request id (released once).
      const resumed = agent?.resumeData != null && suspension !== undefined;
      if (resumed) {
        const held = {
          callId: agent.toolCallId,
          tool: name,
          approvalRequestId: suspension.approvalRequestId,
        };
        const status = await heldStatus(actpass, held);
        if (status.status === 'pending') {
          await agent.suspend(suspensionPayload(name, suspension.approvalRequestId, suspension.text));
          return undefined;
        }
      }
      const verdict = await decideCall(
        actpass,
        options,
        name,
        asRecord(input),
        context,
        resumed ? suspension.approvalRequestId : undefined,
        context?.abortSignal,
      );
      if (verdict.run) return execute(input, context);
      if (durable && !resumed && isDurableHold(verdict.decision) && typeof agent?.suspend === 'function') {
        const id = verdict.decision.approval_request_id as string;
        await agent.suspend(suspensionPayload(name, id, verdict.text));
        return undefined;
      }
      return blocked(verdict.decision);
    };

    // Every setting of the tool (schemas, description, approval flag, MCP metadata, model output…)
    // is kept; only execute changes.
    return new Tool({ ...(tool as object), execute: guardedExecute } as ConstructorParameters<
      typeof Tool
    >[0]) as AnyTool;
  };

  return {
    tools(tools) {
      const guarded: Record<string, AnyTool> = {};
      for (const [key, tool] of Object.entries(tools)) guarded[key] = intercept(key, tool);
      return guarded as typeof tools;
    },

    held(result) {
      if (result.finishReason !== 'suspended' || !result.runId) return undefined;
      const payload = result.suspendPayload as { toolCallId?: unknown; suspendPayload?: unknown } | undefined;
      const suspension = suspensionOf(payload?.suspendPayload);
      if (!suspension || typeof payload?.toolCallId !== 'string') return undefined;
      return {
        callId: payload.toolCallId,
        tool: suspension.tool,
        approvalRequestId: suspension.approvalRequestId,
        runId: result.runId,
      };
    },

    async resume<R>(
      agent: Pick<Agent, 'resumeGenerate'>,
      held: MastraHeldCall,
      resumeOptions: Record<string, unknown> = {},
    ): Promise<MastraResumed<R>> {
      const status: HeldStatus = await heldStatus(actpass, held);
      if (status.status === 'pending') return { status: 'pending', held };
      // The resume data is only Mastra's signal to resume: the call reads the request from ActPass.
      const result = (await agent.resumeGenerate(
        { actpass: { approvalRequestId: held.approvalRequestId } },
        { ...resumeOptions, runId: held.runId, toolCallId: held.callId },
      )) as R;
      return { status: status.status, held, result };
    },
  };
}

function suspensionPayload(tool: string, approvalRequestId: string, text: string): MastraSuspension {
  return { actpass: { tool, approvalRequestId, text } };
}

// What the gateway issues; anything else in a stored suspension is not ours and is never looked up.
const APPROVAL_REQUEST_ID = /^apr_[A-Za-z0-9_-]{1,200}$/;

function suspensionOf(value: unknown): MastraSuspension['actpass'] | undefined {
  const actpass = (value as { actpass?: Partial<MastraSuspension['actpass']> } | undefined)?.actpass;
  if (
    typeof actpass !== 'object' ||
    actpass === null ||
    typeof actpass.approvalRequestId !== 'string' ||
    !APPROVAL_REQUEST_ID.test(actpass.approvalRequestId) ||
    typeof actpass.tool !== 'string'
  ) {
    return undefined;
  }
  return {
    tool: actpass.tool,
    approvalRequestId: actpass.approvalRequestId,
    text: String(actpass.text ?? ''),
  };
}

// Mastra brands its tools with a global symbol, so a tool from another copy of @mastra/core (ESM beside
// CJS) is recognised too.
const MASTRA_TOOL = Symbol.for('mastra.core.tool.Tool');

function isMastraTool(tool: unknown): tool is AnyTool {
  return (
    tool instanceof Tool ||
    (typeof tool === 'object' && tool !== null && (tool as { [MASTRA_TOOL]?: unknown })[MASTRA_TOOL] === true)
  );
}

function asRecord(input: unknown): Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input)
    ? (input as Record<string, unknown>)
    : { input };
}
