import type { ActPass } from '../client.js';
import type { PreflightDecision } from '../core/decision.js';
import type { PreflightParams } from '../core/types.js';
import { blockedText, ToolBlockedError } from './blocked.js';
import type { GuardToolOptions, PerCall } from './options.js';
import { actionKey, pendingApproval, rememberApproval } from './pending-approvals.js';

async function resolve<I, C, T>(value: PerCall<I, C, T>, input: I, call: C): Promise<T> {
  return typeof value === 'function' ? (value as (input: I, call: C) => T | Promise<T>)(input, call) : value;
}

/** The input as `args`: an object is sent as it is; anything else (a string tool input) as `{ input }`. */
function defaultArgs(input: unknown): Record<string, unknown> {
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    return input as Record<string, unknown>;
  }
  return { input };
}

export async function preflightParams<I, C>(
  options: GuardToolOptions<I, C>,
  tool: string,
  input: I,
  call: C,
): Promise<PreflightParams> {
  const [goal, resource, passport, mode, agentId, userId, context] = await Promise.all([
    resolve(options.goal, input, call),
    options.resource?.(input, call),
    resolve(options.passport, input, call),
    resolve(options.mode, input, call),
    resolve(options.agentId, input, call),
    resolve(options.userId, input, call),
    resolve(options.context, input, call),
  ]);
  const params: PreflightParams = {
    goal,
    tool,
    args: options.args ? options.args(input, call) : defaultArgs(input),
  };
  if (resource !== undefined) params.resource = resource;
  if (passport !== undefined) params.passport = passport;
  if (mode !== undefined) params.mode = mode;
  if (agentId !== undefined) params.agent_id = agentId;
  if (userId !== undefined) params.user_id = userId;
  if (context !== undefined) params.context = context;
  return params;
}

/** How one guarded call ended: the body's result, or the decision that kept it from running. */
export type GuardedOutcome<R> =
  | { executed: true; result: R }
  | { executed: false; decision: PreflightDecision };

/**
 * One guarded tool call, shared by every adapter: decide, run `body` only where `guard()` allows. A
 * retry of an action this client saw held carries its approval request id, so an approved request
 * is released rather than a new one opened. The body's own errors are rethrown so the framework
 * reports them as it always does.
 */
export async function guardedOutcome<I, C, R>(
  actpass: ActPass,
  options: GuardToolOptions<I, C>,
  tool: string,
  input: I,
  call: C,
  body: () => R | Promise<R>,
  signal?: AbortSignal,
): Promise<GuardedOutcome<R>> {
  const params = await preflightParams(options, tool, input, call);
  const key = await actionKey(params);
  const approvalId = pendingApproval(actpass, key);
  if (approvalId !== undefined) {
    // The approval replaces the passport step (the gateway checked the delegation when it held it).
    delete params.passport;
    params.approval_request_id = approvalId;
  }
  const outcome = await actpass.guard<R>({
    ...params,
    execute: () => body(),
    rethrow: true, // the body's own errors reach the framework unchanged
    ...(options.waitForApproval ? { waitForApproval: options.waitForApproval } : {}),
    ...(options.recordOutcome === undefined ? {} : { recordOutcome: options.recordOutcome }),
    ...(signal ? { signal } : {}),
  });
  rememberApproval(actpass, key, outcome.decision);
  if (outcome.executed) return { executed: true, result: outcome.result as R };
  return { executed: false, decision: outcome.decision };
}

/**
 * {@link guardedOutcome} for tools whose output is text: the model gets the `BLOCKED` text (or the
 * call throws a {@link ToolBlockedError}, when asked).
 */
export async function guardedCall<I, C, R>(
  actpass: ActPass,
  options: GuardToolOptions<I, C>,
  tool: string,
  input: I,
  call: C,
  body: () => R | Promise<R>,
  signal?: AbortSignal,
): Promise<R | string> {
  const outcome = await guardedOutcome(actpass, options, tool, input, call, body, signal);
  if (outcome.executed) return outcome.result;
  if (options.onBlocked === 'throw') throw new ToolBlockedError(tool, outcome.decision);
  return blockedText(outcome.decision);
}
