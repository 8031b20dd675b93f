/**
 * ai 7's `toolApproval` setting (on `generateText`, `streamText`, `ToolLoopAgent`) with ActPass's hold
 * first. ai 7 asks that setting instead of a tool's `needsApproval` whenever it is one function for all
 * tools or names the tool, so an interceptor relying on `needsApproval` alone would not turn its holds
 * into approval requests there. The types mirror ai 7's: the SDK compiles against ai 6, which has none.
 */
import type { ModelMessage } from 'ai';

/** ai 7's `ToolApprovalStatus`: `undefined` is `not-applicable`. */
export type AiApprovalStatus =
  | undefined
  | 'not-applicable'
  | 'approved'
  | 'denied'
  | 'user-approval'
  | { type: 'not-applicable'; reason?: never }
  | { type: 'approved'; reason?: string }
  | { type: 'denied'; reason?: string }
  | { type: 'user-approval'; reason?: string };

/** What ai 7 hands a `toolApproval` function: the call, the tools and their contexts. */
export interface AiApprovalRequest {
  toolCall: { toolName: string; toolCallId: string; input: unknown };
  tools: Readonly<Record<string, unknown>> | undefined;
  toolsContext: unknown;
  runtimeContext: unknown;
  messages: ModelMessage[];
}

type MaybePromise<T> = T | PromiseLike<T>;

/**
 * Written as a method so its parameters are checked both ways: ai 7 passes its own, more precise types
 * (typed tool calls, each tool's input and context), which these mirror loosely.
 */
type Bivariant<ARGS extends unknown[], RESULT> = { check(...args: ARGS): RESULT }['check'];

/** One tool's entry of a `toolApproval` record: a status, or a function of the input. */
export type AiSingleToolApproval =
  | AiApprovalStatus
  | Bivariant<
      [
        input: unknown,
        options: {
          toolCallId: string;
          messages: ModelMessage[];
          toolContext: unknown;
          runtimeContext: unknown;
        },
      ],
      MaybePromise<AiApprovalStatus>
    >;

/** ai 7's `toolApproval`: one function for every call, or an entry per tool name. */
export type AiToolApproval =
  | Bivariant<[request: AiApprovalRequest], MaybePromise<AiApprovalStatus>>
  | { readonly [tool: string]: AiSingleToolApproval };

/** The interceptor's part of the question for one of its tools: whether ActPass holds the call for a person. */
export interface ActPassApproval {
  holds(
    input: unknown,
    call: { toolCallId: string; messages: ModelMessage[]; context: unknown },
  ): Promise<{ held: false } | { held: true; reason?: string }>;
  /** The tool's own `needsApproval`, from before the interceptor wrapped it. */
  needsApproval: unknown;
}

/**
 * The app's setting with ActPass's hold first: a denial by the app stands (ActPass is not asked); a call
 * ActPass holds for a person becomes a `user-approval` whose reason names the approval request; otherwise
 * the app's status, or, where the app says nothing about the tool, the tool's own `needsApproval`.
 */
export function withActPassApproval(
  app: AiToolApproval | undefined,
  approvalOf: (tool: unknown) => ActPassApproval | undefined,
): (request: AiApprovalRequest) => Promise<AiApprovalStatus> {
  return async (request) => {
    const { toolCall } = request;
    const tool = ownValue(request.tools, toolCall.toolName);
    const fromApp = await askApp(app, request);
    if (statusType(fromApp.status) === 'denied') return fromApp.status;
    const actpass = approvalOf(tool);
    if (actpass) {
      const context = ownValue(request.toolsContext, toolCall.toolName);
      const { messages } = request;
      const hold = await actpass.holds(toolCall.input, {
        toolCallId: toolCall.toolCallId,
        messages,
        context,
      });
      if (hold.held) return hold.reason ? { type: 'user-approval', reason: hold.reason } : 'user-approval';
    }
    if (fromApp.said) return fromApp.status;
    const own = actpass
      ? actpass.needsApproval
      : (tool as { needsApproval?: unknown } | undefined)?.needsApproval;
    if (typeof own === 'function') {
      const context = ownValue(request.toolsContext, toolCall.toolName);
      const call = { toolCallId: toolCall.toolCallId, messages: request.messages, context };
      return (await own(toolCall.input, call)) ? 'user-approval' : undefined;
    }
    return own === true ? 'user-approval' : undefined;
  };
}

async function askApp(
  app: AiToolApproval | undefined,
  request: AiApprovalRequest,
): Promise<{ said: boolean; status: AiApprovalStatus }> {
  if (typeof app === 'function') return { said: true, status: await app(request) };
  const { toolCall } = request;
  const entry = ownValue(app, toolCall.toolName) as AiSingleToolApproval;
  if (entry == null) return { said: false, status: undefined };
  if (typeof entry !== 'function') return { said: true, status: entry };
  const status = await entry(toolCall.input, {
    toolCallId: toolCall.toolCallId,
    messages: request.messages,
    toolContext: ownValue(request.toolsContext, toolCall.toolName),
    runtimeContext: request.runtimeContext,
  });
  return { said: true, status };
}

function statusType(status: AiApprovalStatus): string {
  return status === undefined ? 'not-applicable' : typeof status === 'string' ? status : status.type;
}

/** The tool name comes from the model: only own properties, never one inherited from Object.prototype. */
function ownValue(record: unknown, key: string): unknown {
  return typeof record === 'object' && record !== null && Object.hasOwn(record, key)
    ? (record as Record<string, unknown>)[key]
    : undefined;
}
