/**
 * One ActPass interceptor over a Google ADK `LlmAgent`, through ADK's own `beforeToolCallback`: every tool
 * the agent runs — function tools, toolsets, the tools an `MCPToolset` loads — passes it first. A blocked
 * call answers `{ error: 'BLOCKED <reason_code>: <summary>' }`, which ADK uses as the tool's response
 * without running the tool.
 *
 * With `approvals: 'durable'` a held call asks for ADK's own tool confirmation
 * (`context.requestConfirmation`): ADK ends the run with an `adk_request_confirmation` call naming the
 * ActPass approval request, kept in the session. `resume(session)` reads each such request from ActPass
 * and answers the decided ones; ADK then runs the call again through the callback, which reads ActPass
 * once more — ADK's `confirmed` flag never approves anything.
 */
import type { BaseTool, Context, Event, LlmAgent, SingleBeforeToolCallback } from '@google/adk';
import type { ActPass } from '../client.js';
import { ActPassError, MisconfiguredError } from '../core/errors.js';
import { ToolBlockedError } from './blocked.js';
import { argumentProblem } from './google-adk-arguments.js';
import {
  decideCall,
  type HeldCall,
  type HeldStatus,
  heldStatus,
  type InterceptOptions,
  isDurableHold,
} from './intercept.js';
import { invalidInputText } from './printable.js';
import { toolName } from './tool-name.js';

/** The function call ADK records when a tool call asks for confirmation. */
export const CONFIRMATION_CALL = 'adk_request_confirmation';

/** What the per-call options receive besides the arguments: the ADK tool and its call's context. */
export interface GoogleAdkToolCall {
  tool: BaseTool;
  context: Context;
}

export type GoogleAdkInterceptOptions = InterceptOptions<GoogleAdkToolCall>;

/**
 * Ends a run in which ADK delivered a confirmation of a held call while its ActPass request is still
 * pending: the call does not run and stays held (`resume()` answers it once a person decided).
 */
export class ApprovalStillPendingError extends ActPassError {
  override name = 'ApprovalStillPendingError';
  readonly reasonCode = 'approval.pending';
  readonly tool: string;
  readonly approvalRequestId: string;

  constructor(tool: string, approvalRequestId: string) {
    super(
      `BLOCKED approval.pending: confirming in ADK does not approve approval request ${approvalRequestId}, which is still waiting for a person to decide in ActPass; resume() answers the confirmation once they have. The action has not run.`,
    );
    this.tool = tool;
    this.approvalRequestId = approvalRequestId;
  }
}

/** What a blocked call answers in place of the tool's response (`error` is ADK's key for a failed call). */
export interface GoogleAdkBlockedResponse extends Record<string, unknown> {
  error: string;
  approvalRequestId?: string;
}

/** A held call the session waits on: ADK's confirmation request beside the ActPass request. */
export interface GoogleAdkHeldCall extends HeldCall {
  /** The id of the `adk_request_confirmation` call ADK wrote; the answer names it. */
  confirmationCallId: string;
}

/** The message `resume()` builds: the confirmation answers, as ADK reads them from the next user turn. */
export interface GoogleAdkConfirmationMessage {
  role: 'user';
  parts: {
    functionResponse: { id: string; name: typeof CONFIRMATION_CALL; response: Record<string, unknown> };
  }[];
}

/** What {@link GoogleAdkInterceptor.resume} found. */
export interface GoogleAdkResumed {
  /** The answers to send with `runner.runAsync({ newMessage })`; undefined while every hold still waits. */
  message: GoogleAdkConfirmationMessage | undefined;
  /** The held calls a person has not decided yet. */
  pending: GoogleAdkHeldCall[];
  /** How each held call stood in ActPass. */
  statuses: HeldStatus[];
}

/** The parts of an ADK session this reads. */
export interface GoogleAdkSessionLike {
  events: Event[];
}

export interface GoogleAdkInterceptor {
  /** ADK's before-tool hook: `undefined` lets the call run, a response answers in its place. */
  readonly beforeToolCallback: SingleBeforeToolCallback;
  /** Puts the interceptor first among `agent`'s before-tool callbacks and returns the agent. */
  protect<A extends LlmAgent>(agent: A): A;
  /** The ActPass holds still open in a session's events (an ADK `Session`, or its `events`). */
  held(session: GoogleAdkSessionLike | Event[]): GoogleAdkHeldCall[];
  /**
   * Reads every open hold of `session` from ActPass and answers ADK's confirmation request of each decided
   * one. Send `message` with `runner.runAsync(...)`: ADK runs each answered call again through the
   * callback, which reads ActPass once more (approved → decided with the request id and run once;
   * denied or expired → `BLOCKED approval.denied: …`). Still pending → not answered.
   */
  resume(session: GoogleAdkSessionLike): Promise<GoogleAdkResumed>;
}

export function googleAdkInterceptor(
  actpass: ActPass,
  options: GoogleAdkInterceptOptions,
): GoogleAdkInterceptor {
  const durable = options.approvals === 'durable';

  const resumeCall = async (
    name: string,
    args: Record<string, unknown>,
    call: GoogleAdkToolCall,
    held: HeldCall,
  ): Promise<GoogleAdkBlockedResponse | undefined> => {
    const status = await heldStatus(actpass, held);
    if (status.status === 'refused') return { error: status.text };
    if (status.status === 'pending') {
      // Confirming in ADK alone is not an ActPass approval, and the call must not answer here: ADK counts a
      // confirmation as used once its call has a response, and asks for no new confirmation from a call
      // it is resuming. Failing ends the run with nothing recorded for the call, so the confirmation
      // request stays open and resume() answers it once a person decided in ActPass.
      throw new ApprovalStillPendingError(name, held.approvalRequestId);
    }
    const verdict = await decideCall(
      actpass,
      options,
      name,
      args,
      call,
      held.approvalRequestId,
      call.context.abortSignal,
    );
    return verdict.run ? undefined : { error: verdict.text };
  };

  const decide: SingleBeforeToolCallback = async ({ tool, args, context }) => {
    const problem = argumentProblem(tool, args);
    if (problem) return { error: invalidInputText(tool.name, problem) };
    const name = toolName(options.tool, tool.name);
    const call = { tool, context };
    const held = context.toolConfirmation ? holdInSession(context) : undefined;
    if (held) return resumeCall(name, args, call, held);
    const verdict = await decideCall(actpass, options, name, args, call, undefined, context.abortSignal);
    if (verdict.run) return undefined;
    if (durable && context.functionCallId && isDurableHold(verdict.decision)) {
      const approvalRequestId = verdict.decision.approval_request_id as string;
      context.requestConfirmation({
        hint: verdict.text,
        payload: { actpass: { tool: name, approvalRequestId } },
      });
      return { error: verdict.text, approvalRequestId } satisfies GoogleAdkBlockedResponse;
    }
    if (options.onBlocked === 'throw') throw new ToolBlockedError(name, verdict.decision);
    return { error: verdict.text } satisfies GoogleAdkBlockedResponse;
  };

  // ADK turns an error thrown by a before-tool callback into an error event and would then ask the model
  // again, which would call the tool again: the interceptor ends the invocation first, so the error
  // (a ToolBlockedError in throw mode, a misconfiguration, a failure while deciding) ends the run.
  const beforeToolCallback: SingleBeforeToolCallback = async (params) => {
    try {
      return await decide(params);
    } catch (error) {
      const invocation = params.context?.invocationContext;
      if (invocation) invocation.endInvocation = true;
      throw error;
    }
  };

  return {
    beforeToolCallback,

    protect(agent) {
      const own = agent.canonicalBeforeToolCallbacks;
      if (!own.includes(beforeToolCallback)) agent.beforeToolCallback = [beforeToolCallback, ...own];
      if (durable) gateHeldCalls(agent);
      return agent;
    },

    held(session) {
      return openHolds(Array.isArray(session) ? session : session.events);
    },

    async resume(session) {
      const events = (session as Partial<GoogleAdkSessionLike> | undefined)?.events;
      if (!Array.isArray(events)) {
        throw new MisconfiguredError(
          'resume(): session is not an ADK Session: pass await runner.sessionService.getSession({ appName, userId, sessionId })',
        );
      }
      const parts: GoogleAdkConfirmationMessage['parts'] = [];
      const pending: GoogleAdkHeldCall[] = [];
      const statuses: HeldStatus[] = [];
      for (const held of openHolds(events)) {
        const status = await heldStatus(actpass, held);
        statuses.push(status);
        if (status.status === 'pending') {
          pending.push(held);
          continue;
        }
        // ADK's signal to run the call again; the callback reads the request from ActPass, not this flag.
        const response = {
          confirmed: status.status === 'approved',
          payload: { actpass: { tool: held.tool, approvalRequestId: held.approvalRequestId } },
        };
        parts.push({ functionResponse: { id: held.confirmationCallId, name: CONFIRMATION_CALL, response } });
      }
      const message = parts.length > 0 ? { role: 'user' as const, parts } : undefined;
      return { message, pending, statuses };
    },
  };
}

/** Guards every tool of `agent` (toolsets and MCP tools included) with one ActPass interceptor. */
export function guardAgent<A extends LlmAgent>(
  actpass: ActPass,
  agent: A,
  options: GoogleAdkInterceptOptions,
): A {
  return googleAdkInterceptor(actpass, options).protect(agent);
}

// -- holds recorded in the session ------------------------------------------------------------------------

// What the gateway issues; anything else in a stored payload is not ours and is never looked up.
const APPROVAL_REQUEST_ID = /^apr_[A-Za-z0-9_-]{1,200}$/;

interface FunctionCallLike {
  id?: string;
  name?: string;
  args?: Record<string, unknown>;
}

function partsOf(event: Event): { functionCall?: FunctionCallLike; functionResponse?: { id?: string } }[] {
  return (event.content?.parts ?? []) as never;
}

/**
 * The ActPass holds among the confirmation requests ADK itself wrote in `event`: ADK marks each as a
 * long-running call of the agent, which a call the model (or a user turn) made up never is.
 */
function holdsIn(event: Event): GoogleAdkHeldCall[] {
  if (event.author === 'user') return [];
  const longRunning = new Set(event.longRunningToolIds ?? []);
  const holds: GoogleAdkHeldCall[] = [];
  for (const { functionCall: call } of partsOf(event)) {
    if (call?.name !== CONFIRMATION_CALL || typeof call.id !== 'string' || !longRunning.has(call.id))
      continue;
    const original = call.args?.originalFunctionCall as FunctionCallLike | undefined;
    const confirmation = call.args?.toolConfirmation as { payload?: unknown } | undefined;
    const ours = (confirmation?.payload as { actpass?: { tool?: unknown; approvalRequestId?: unknown } })
      ?.actpass;
    if (
      typeof original?.id !== 'string' ||
      typeof ours?.tool !== 'string' ||
      typeof ours.approvalRequestId !== 'string' ||
      !APPROVAL_REQUEST_ID.test(ours.approvalRequestId)
    ) {
      continue;
    }
    holds.push({
      callId: original.id,
      tool: ours.tool,
      approvalRequestId: ours.approvalRequestId,
      confirmationCallId: call.id,
    });
  }
  return holds;
}

/** Holds whose call has no response after its confirmation request (ADK resumes only those). */
function openHolds(events: Event[]): GoogleAdkHeldCall[] {
  const open = new Map<string, GoogleAdkHeldCall>();
  for (const event of events) {
    for (const part of partsOf(event)) {
      const answered = part.functionResponse?.id;
      if (answered !== undefined) open.delete(answered);
    }
    for (const held of holdsIn(event)) open.set(held.callId, held);
  }
  return [...open.values()];
}

/** The hold of the call ADK is resuming, read from the session ADK recorded it in (never the answer). */
function holdInSession(context: Context): GoogleAdkHeldCall | undefined {
  const events = context.invocationContext?.session?.events ?? [];
  let found: GoogleAdkHeldCall | undefined;
  for (const event of events) {
    for (const held of holdsIn(event)) if (held.callId === context.functionCallId) found = held;
  }
  return found;
}

// -- ADK's resume check ------------------------------------------------------------------------------------

const GATED = Symbol.for('actpass.googleAdk.gated');

type Gated = BaseTool & { [GATED]?: true };

/**
 * ADK resumes a confirmed call only if its tool "requires confirmation" for those arguments (otherwise it
 * refuses the confirmation with `confirmation_not_required`): a plain tool says no, although ActPass held
 * this very call. So each tool the agent resolves answers yes as well for a call whose ActPass hold ADK
 * wrote in the session; its own answer stands otherwise.
 */
function gateHeldCalls(agent: LlmAgent): void {
  const marked = agent as LlmAgent & { [GATED]?: true };
  if (marked[GATED]) return;
  marked[GATED] = true;
  const canonicalTools = agent.canonicalTools.bind(agent);
  agent.canonicalTools = async (context) => {
    const tools = await canonicalTools(context);
    for (const tool of tools as Gated[]) {
      if (tool[GATED]) continue;
      const own = tool.checkRequireConfirmation.bind(tool);
      tool.checkRequireConfirmation = async (args, toolContext) =>
        (await own(args, toolContext)) ||
        (toolContext !== undefined && holdInSession(toolContext) !== undefined);
      tool[GATED] = true;
    }
    return tools;
  };
}
