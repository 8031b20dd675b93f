/**
 * One interceptor for a whole OpenAI Agents `Agent`: every function tool it runs — its own and those it
 * loads from MCP servers — gets an ActPass tool input guardrail (the SDK's own hook, run after the SDK
 * parsed and validated the model's arguments). In durable mode a held call becomes the SDK's own
 * interruption (`needsApproval`), the run state is saved as a string, and the run resumes once a person
 * decided in ActPass.
 */
import {
  type Agent,
  defineToolInputGuardrail,
  type FunctionTool,
  type RunContext,
  RunState,
  type RunToolApprovalItem,
  ToolGuardrailFunctionOutputFactory,
} from '@openai/agents';
import type { ActPass } from '../client.js';
import type { PreflightDecision } from '../core/decision.js';
import { MisconfiguredError } from '../core/errors.js';
import { BoundedSet } from './bounded.js';
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
import { invalidInputText } from './printable.js';
import { schemaProblem } from './schema-check.js';
import { toolName } from './tool-name.js';

/** How many settled calls one interceptor remembers; older ones are forgotten (see bounded.ts). */
const MAX_SETTLED_CALLS = 1000;

// biome-ignore lint/suspicious/noExplicitAny: any context, parameters and result, as the SDK's own
type AnyFunctionTool = FunctionTool<any, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: any context and output
type AnyAgent = Agent<any, any>;

/** What the per-call options receive besides the arguments. */
export interface AgentsInterceptedCall {
  /** The SDK's tool name (an MCP tool's name as the server gave it). */
  toolName: string;
  callId: string;
  runContext: RunContext<unknown>;
}

export type AgentsInterceptOptions = InterceptOptions<AgentsInterceptedCall> & {
  /**
   * For tools with an `outputSchema`: the value (matching that schema) a blocked call answers. Without it
   * such a tool's own `errorFunction` receives the block as an Error whose message is the BLOCKED text.
   */
  blockedOutput?: (decision: PreflightDecision | undefined, text: string) => unknown;
};

/** A paused run as saved by {@link AgentsInterceptor.pause}: the SDK's run state and the held calls. */
interface Saved {
  actpass: 1;
  runState: string;
  held: HeldCall[];
}

/** The outcome of {@link AgentsInterceptor.resume}. */
export interface Resumed<TState> {
  /** The SDK's run state with every decided call approved or rejected; run it with `run(agent, state)`. */
  state: TState;
  /** Calls still waiting for a person (the state keeps them as interruptions). */
  pending: HeldCall[];
  /** How each held call stood in ActPass. */
  statuses: HeldStatus[];
}

const MARK = Symbol.for('actpass.openaiAgents.intercepted');
const BLOCKED_PREFIX = 'BLOCKED ';

export interface AgentsInterceptor {
  /** Guards `agent` in place (every function tool, MCP tools included) and returns it. */
  protect<A extends AnyAgent>(agent: A): A;
  /** The run state of an interrupted result as one string, with the ActPass request of each held call. */
  pause(state: { toString(): string; getInterruptions(): RunToolApprovalItem[] }): string;
  /**
   * Loads a paused run and settles each held call from ActPass's decision: approved → approved in the run
   * state (the call then runs, its re-decision releasing the request); denied or expired → rejected, the
   * model reading the BLOCKED text; pending → left waiting.
   */
  resume<A extends AnyAgent>(agent: A, saved: string): Promise<Resumed<RunState<unknown, A>>>;
}

export function agentInterceptor(actpass: ActPass, options: AgentsInterceptOptions): AgentsInterceptor {
  const held = new HeldCalls();
  // A durable decision taken in needsApproval, read back by the guardrail of the same call.
  const decided = new Map<string, Verdict>();
  // Calls a resume settled from ActPass (approved or refused). Newer SDK releases ask needsApproval
  // again for a resumed call: deciding it afresh there would open a new approval request and hide the
  // settled one, so such a call stays "needs approval" and the run state's approve/reject answers.
  const settled = new BoundedSet<string>(MAX_SETTLED_CALLS);

  const decide = async (
    name: string,
    frameworkName: string,
    input: Record<string, unknown>,
    callId: string,
    runContext: RunContext<unknown>,
    approvalRequestId?: string,
  ) =>
    decideCall(
      actpass,
      options,
      name,
      input,
      { toolName: frameworkName, callId, runContext },
      approvalRequestId,
    );

  const intercept = (tool: AnyFunctionTool): AnyFunctionTool => {
    if ((tool as { [MARK]?: true })[MARK]) return tool;
    const name = toolName(options.tool, tool.name);
    const guardrail = defineToolInputGuardrail({
      name: 'actpass',
      run: async ({ context, toolCall }) => {
        const input = parseArguments(toolCall.arguments);
        // The SDK runs guardrails before a zod tool parses its input: plainly invalid arguments are
        // refused here, undecided, as the tool itself would refuse them.
        const problem = schemaProblem(tool.parameters, input);
        if (problem)
          return ToolGuardrailFunctionOutputFactory.rejectContent(invalidInputText(tool.name, problem));
        const resumed = held.take(toolCall.callId);
        const verdict =
          (resumed ? undefined : takeDecided(decided, toolCall.callId)) ??
          (await decide(name, tool.name, input, toolCall.callId, context, resumed?.approvalRequestId));
        if (verdict.run)
          return ToolGuardrailFunctionOutputFactory.allow({ actpass: verdict.decision.reason_code });
        const info = { actpass: verdict.decision.reason_code, text: verdict.text };
        if (options.onBlocked === 'throw') return ToolGuardrailFunctionOutputFactory.throwException(info);
        return ToolGuardrailFunctionOutputFactory.rejectContent(verdict.text, info);
      },
    });
    const guarded: AnyFunctionTool & { [MARK]: true } = {
      ...tool,
      inputGuardrails: [...(tool.inputGuardrails ?? []), guardrail],
      [MARK]: true,
    };
    if (tool.outputSchema !== undefined) guarded.errorFunction = blockedAwareErrorFunction(tool, options);
    if (options.approvals === 'durable') {
      // needsApproval must judge the arguments the model wrote, as the guardrail will. The SDK hands it
      // the output of the tool's own parser when it knows one for `invoke` (a zod tool's parse drops
      // unknown keys): ActPass would decide a cleaned-up call that the guardrail then refuses as invalid,
      // leaving a decision and an approval request behind. Through this wrapper the SDK knows no parser,
      // so needsApproval receives the model's arguments as written; the tool still parses them itself.
      guarded.invoke = (runContext, input, details) => tool.invoke(runContext, input, details);
      const own = tool.needsApproval;
      guarded.needsApproval = async (runContext, input, callId) => {
        // Arguments the guardrail will refuse are never decided: "no approval needed", so the call reaches
        // the guardrail, which answers the model the invalid-input text.
        const invalid = typeof input !== 'object' || input === null || schemaProblem(tool.parameters, input);
        if (callId === undefined || invalid) {
          return own(runContext, input, callId);
        }
        if (settled.has(callId)) return true;
        const verdict = await decide(name, tool.name, input as Record<string, unknown>, callId, runContext);
        if (!verdict.run && isDurableHold(verdict.decision)) {
          held.hold({
            callId,
            tool: name,
            approvalRequestId: verdict.decision.approval_request_id as string,
          });
          return true;
        }
        rememberDecided(decided, callId, verdict);
        return own(runContext, input, callId);
      };
    }
    return guarded;
  };

  return {
    protect(agent) {
      const getAllTools = agent.getAllTools.bind(agent);
      agent.getAllTools = async (...args: Parameters<AnyAgent['getAllTools']>) => {
        const tools = await getAllTools(...args);
        return tools.map((tool) => (tool.type === 'function' ? intercept(tool) : tool));
      };
      return agent;
    },

    pause(state) {
      const calls: HeldCall[] = [];
      for (const item of state.getInterruptions()) {
        const callId = (item.rawItem as { callId?: string }).callId;
        const found = held.get(callId);
        if (found) calls.push(found);
      }
      const saved: Saved = { actpass: 1, runState: state.toString(), held: calls };
      return JSON.stringify(saved);
    },

    async resume(agent, text) {
      const saved = parseSaved(text);
      const state = await RunState.fromString(agent, saved.runState);
      const byCall = new Map(saved.held.map((call) => [call.callId, call]));
      const statuses: HeldStatus[] = [];
      const pending: HeldCall[] = [];
      for (const item of state.getInterruptions()) {
        const callId = (item.rawItem as { callId?: string }).callId;
        const call = callId === undefined ? undefined : byCall.get(callId);
        if (!call) {
          // Not held by ActPass (another approval of the app's own, or arguments the SDK could not
          // parse): left to the app, never approved here.
          continue;
        }
        const status = await heldStatus(actpass, call);
        statuses.push(status);
        if (status.status === 'approved') {
          held.hold(call); // the guardrail re-decides with the request id, releasing it exactly once
          settled.add(call.callId);
          state.approve(item);
        } else if (status.status === 'refused') {
          settled.add(call.callId);
          state.reject(item, { message: status.text });
        } else {
          pending.push(call);
        }
      }
      return { state: state as RunState<unknown, typeof agent>, pending, statuses };
    },
  };
}

/** Guards every function tool of `agent` (MCP tools included) with one ActPass interceptor. */
export function guardAgent<A extends AnyAgent>(
  actpass: ActPass,
  agent: A,
  options: AgentsInterceptOptions,
): A {
  return agentInterceptor(actpass, options).protect(agent);
}

function takeDecided(decided: Map<string, Verdict>, callId: string): Verdict | undefined {
  const verdict = decided.get(callId);
  decided.delete(callId);
  return verdict;
}

/** The SDK parsed and validated the arguments before any guardrail runs; here they are only read. */
function parseArguments(text: string): Record<string, unknown> {
  if (text === '') return {};
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : { input: parsed };
}

function parseSaved(text: string): Saved {
  let saved: unknown;
  try {
    saved = JSON.parse(text);
  } catch {
    saved = undefined;
  }
  const ok =
    typeof saved === 'object' &&
    saved !== null &&
    (saved as Saved).actpass === 1 &&
    typeof (saved as Saved).runState === 'string' &&
    Array.isArray((saved as Saved).held) &&
    (saved as Saved).held.every(
      (call) =>
        typeof call?.callId === 'string' &&
        typeof call.approvalRequestId === 'string' &&
        typeof call.tool === 'string',
    );
  if (!ok) {
    throw new MisconfiguredError(
      'resume(): saved is not a paused run: pass the string interceptor.pause(result.state) returned',
    );
  }
  return saved as Saved;
}

type ErrorFunction = NonNullable<AnyFunctionTool['errorFunction']>;

/** A blocked call of a tool with an `outputSchema` answers a value of that shape, never a crash. */
function blockedAwareErrorFunction(
  tool: AnyFunctionTool,
  options: AgentsInterceptOptions,
): ErrorFunction | null {
  const own = tool.errorFunction;
  const blockedOutput = options.blockedOutput;
  if (!blockedOutput) {
    if (typeof own === 'function') return own;
    throw new MisconfiguredError(
      `the tool "${tool.name}" has an outputSchema, so a blocked call needs an answer of that shape: pass blockedOutput: (decision, text) => ({ … }) to the interceptor, or give the tool an errorFunction`,
    );
  }
  return (context, error, details) => {
    const message = error instanceof Error ? error.message : '';
    if (message.startsWith(BLOCKED_PREFIX)) return blockedOutput(undefined, message);
    if (typeof own === 'function') return own(context, error, details);
    throw error;
  };
}
