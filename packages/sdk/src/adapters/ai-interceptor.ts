/**
 * One ActPass interceptor for every tool an AI SDK call gets (`tools: interceptor.tools({...})`, MCP
 * tools from `@ai-sdk/mcp` included). In durable mode a held call becomes the AI SDK's own tool approval
 * request (`needsApproval`): the app keeps the messages and {@link AiInterceptor.held}, and once a person
 * decided in ActPass, {@link AiInterceptor.respond} writes the approval responses that resume the call.
 */
import type { Tool, ToolModelMessage } from 'ai';
import type { ActPass } from '../client.js';
import { MisconfiguredError } from '../core/errors.js';
import {
  type ActPassApproval,
  type AiApprovalRequest,
  type AiApprovalStatus,
  type AiToolApproval,
  withActPassApproval,
} from './ai-tool-approval.js';
import { blockedResult, isBlockedResult, ToolBlockedError } from './blocked.js';
import {
  decideCall,
  type HeldCall,
  HeldCalls,
  type HeldStatus,
  heldStatus,
  type InterceptOptions,
  isDurableHold,
  rememberDecided,
  type Verdict,
} from './intercept.js';
import { toolName } from './tool-name.js';

/**
 * What the per-call options receive besides the input: the AI SDK's own tool execution options
 * (`toolCallId`, `messages`, `abortSignal`, and the tool context: `experimental_context` in ai 6,
 * `context` in ai 7). Read off `Tool` because ai 7 made `ToolExecutionOptions` generic over that context,
 * so one declaration fits both majors.
 */
export type AiToolCall = Parameters<NonNullable<Tool['execute']>>[1];

export type AiInterceptOptions = InterceptOptions<AiToolCall>;

/** A call held for a person: the AI SDK's approval id beside the ActPass request. */
export interface AiHeldCall extends HeldCall {
  /** The AI SDK's id of its `tool-approval-request`, which the response must name. */
  approvalId: string;
}

/** The outcome of {@link AiInterceptor.respond}. */
export interface AiResponded {
  /** The tool message of approval responses to append to the messages, or undefined when none was decided. */
  message: ToolModelMessage | undefined;
  /** Calls still waiting for a person. */
  pending: AiHeldCall[];
  statuses: HeldStatus[];
}

/** The parts of a result's content this reads: the AI SDK's tool approval requests. */
type ContentPart = { type: string; approvalId?: string; toolCall?: { toolCallId: string } };

export interface AiInterceptor {
  /** The same tools, each decided by ActPass before it runs (keys are the tool names unless `tool` maps them). */
  tools<TOOLS extends Record<string, Tool>>(tools: TOOLS): TOOLS;
  /** The calls of a result that wait for a person in ActPass; keep them with the messages. */
  held(result: { content: ReadonlyArray<ContentPart> }): AiHeldCall[];
  /**
   * Reads each held request from ActPass (never a flag of the app's): approved → an approval response
   * (the call then runs, its re-decision releasing the request); denied or expired → a denial whose
   * reason is the BLOCKED text; pending → nothing yet.
   */
  respond(held: ReadonlyArray<AiHeldCall>): Promise<AiResponded>;
  /**
   * ai 7: the `toolApproval` setting to pass `generateText`/`streamText`/`ToolLoopAgent` when the app
   * has one (ai 7 asks it instead of the tools' `needsApproval`): the app's setting, with the calls
   * ActPass holds for a person made approval requests (durable mode). Without an app setting the tools'
   * `needsApproval` already does this, on ai 6 and 7.
   */
  toolApproval(app?: AiToolApproval): (request: AiApprovalRequest) => Promise<AiApprovalStatus>;
}

export function aiInterceptor(actpass: ActPass, options: AiInterceptOptions): AiInterceptor {
  const held = new HeldCalls();
  const decided = new Map<string, Verdict>();
  const approvals = new WeakMap<object, ActPassApproval>();

  const intercept = (key: string, tool: Tool): Tool => {
    const name = toolName(options.tool, key);
    const execute = tool.execute;
    if (typeof execute !== 'function') {
      throw new MisconfiguredError(
        `the AI SDK tool "${key}" has no execute function; only tools that run here can be guarded`,
      );
    }
    const toModelOutput = tool.toModelOutput;
    const guarded: Tool = {
      ...tool,
      execute: async (input: unknown, call: AiToolCall) => {
        const resumed = held.take(call.toolCallId);
        const early = resumed ? undefined : decided.get(call.toolCallId);
        decided.delete(call.toolCallId);
        const verdict =
          early ??
          (await decideCall(
            actpass,
            options,
            name,
            asRecord(input),
            call,
            resumed?.approvalRequestId,
            call.abortSignal,
          ));
        if (verdict.run) return execute(input as never, call);
        if (options.onBlocked === 'throw') throw new ToolBlockedError(name, verdict.decision);
        // A tool with its own model output gets the structured form, turned back into the text below.
        return typeof toModelOutput === 'function' ? blockedResult(verdict.decision) : verdict.text;
      },
    };
    if (typeof toModelOutput === 'function') {
      guarded.toModelOutput = ((output: { output: unknown }) =>
        isBlockedResult(output.output)
          ? { type: 'text', value: output.output.text }
          : toModelOutput(output as never)) as Tool['toModelOutput'];
    }
    if (options.approvals === 'durable') {
      const own = tool.needsApproval;
      const holds: ActPassApproval['holds'] = async (input, approvalOptions) => {
        // The AI SDK asks again before it runs an approved call (and treats "no" as a denial): a call
        // already held keeps its request, which its execute re-decides with.
        if (held.get(approvalOptions.toolCallId)) return { held: true };
        // The same options execute gets, tool context included, so per-call options decide alike here.
        const call = { ...approvalOptions } as AiToolCall;
        const verdict = await decideCall(actpass, options, name, asRecord(input), call);
        if (!verdict.run && isDurableHold(verdict.decision)) {
          const approvalRequestId = verdict.decision.approval_request_id as string;
          held.hold({ callId: approvalOptions.toolCallId, tool: name, approvalRequestId });
          return { held: true, reason: verdict.text };
        }
        rememberDecided(decided, approvalOptions.toolCallId, verdict);
        return { held: false };
      };
      guarded.needsApproval = async (input, approvalOptions) => {
        const call = approvalOptions as Parameters<typeof holds>[1];
        if ((await holds(input, call)).held) return true;
        if (typeof own === 'function') return own(input as never, approvalOptions);
        return own === true;
      };
      approvals.set(guarded, { holds, needsApproval: own });
    }
    return guarded;
  };

  return {
    tools(tools) {
      const guarded: Record<string, Tool> = {};
      for (const [key, tool] of Object.entries(tools)) guarded[key] = intercept(key, tool);
      return guarded as typeof tools;
    },

    held(result) {
      const calls: AiHeldCall[] = [];
      for (const part of result.content) {
        if (part.type !== 'tool-approval-request' || !part.approvalId || !part.toolCall) continue;
        const found = held.get(part.toolCall.toolCallId);
        if (found) calls.push({ ...found, approvalId: part.approvalId });
      }
      return calls;
    },

    async respond(calls) {
      const content: ToolModelMessage['content'] = [];
      const pending: AiHeldCall[] = [];
      const statuses: HeldStatus[] = [];
      for (const call of calls) {
        const status = await heldStatus(actpass, call);
        statuses.push(status);
        if (status.status === 'approved') {
          held.hold(call); // the call's execute re-decides with the request id, releasing it once
          const reason = `ActPass approval request ${call.approvalRequestId} approved`;
          content.push({
            type: 'tool-approval-response',
            approvalId: call.approvalId,
            approved: true,
            reason,
          });
        } else if (status.status === 'refused') {
          content.push({
            type: 'tool-approval-response',
            approvalId: call.approvalId,
            approved: false,
            reason: status.text,
          });
        } else {
          pending.push(call);
        }
      }
      return { message: content.length > 0 ? { role: 'tool', content } : undefined, pending, statuses };
    },

    toolApproval(app) {
      return withActPassApproval(app, (tool) =>
        typeof tool === 'object' && tool !== null ? approvals.get(tool) : undefined,
      );
    },
  };
}

function asRecord(input: unknown): Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input)
    ? (input as Record<string, unknown>)
    : { input };
}
