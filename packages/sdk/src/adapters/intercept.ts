/**
 * What the per-agent interceptors share: one decision per tool call asked from inside the framework's
 * own hook (a guardrail, a middleware, an approval callback) rather than from a wrapped `execute`, and
 * the durable approvals that map a held call onto the framework's pause-and-resume.
 *
 * A hook decides; it does not run the tool (the framework does, once the hook lets it), so no outcome is
 * recorded here: the preflight's decision is the evidence.
 */
import type { ActPass } from '../client.js';
import type { PreflightDecision } from '../core/decision.js';
import type { ApprovalRequest } from '../core/types.js';
import { blockedText } from './blocked.js';
import { preflightParams } from './guarded-call.js';
import type { GuardToolOptions } from './options.js';
import { actionKey, pendingApproval, rememberApproval } from './pending-approvals.js';
import type { ToolNameOption } from './tool-name.js';

/** The options of one interceptor: every tool of the agent, named by `tool` (default: its own name). */
export type InterceptOptions<C> = Omit<
  GuardToolOptions<Record<string, unknown>, C>,
  'tool' | 'recordOutcome'
> & {
  tool?: ToolNameOption;
  /**
   * `'durable'`: a held call pauses the run through the framework's own approval mechanism and is
   * resumed once a person decided in ActPass. Default `'result'`: the model reads the `BLOCKED` text
   * (or the hook waits, with `waitForApproval`).
   */
  approvals?: 'result' | 'durable';
};

/** What the hook does with one call. */
export type Verdict =
  | { run: true; decision: PreflightDecision }
  | { run: false; decision: PreflightDecision; text: string };

const RAN = Symbol('actpass.intercept.ran');

/**
 * Decides one call. `approvalRequestId` releases an approved request (the durable resume); without it, an
 * action this client saw held carries its request id, as every adapter does.
 */
export async function decideCall<C>(
  actpass: ActPass,
  options: InterceptOptions<C>,
  tool: string,
  input: Record<string, unknown>,
  call: C,
  approvalRequestId?: string,
  signal?: AbortSignal,
): Promise<Verdict> {
  const params = await preflightParams(
    options as GuardToolOptions<Record<string, unknown>, C>,
    tool,
    input,
    call,
  );
  const key = await actionKey(params);
  const carried = approvalRequestId ?? pendingApproval(actpass, key);
  if (carried !== undefined) {
    delete params.passport; // the gateway checked the delegation when it held the action
    params.approval_request_id = carried;
  }
  const outcome = await actpass.guard<typeof RAN>({
    ...params,
    execute: () => RAN,
    recordOutcome: false, // the framework runs the tool after the hook; nothing ran here
    ...(options.waitForApproval && options.approvals !== 'durable'
      ? { waitForApproval: options.waitForApproval }
      : {}),
    ...(signal ? { signal } : {}),
  });
  rememberApproval(actpass, key, outcome.decision);
  if (outcome.executed) return { run: true, decision: outcome.decision };
  return { run: false, decision: outcome.decision, text: blockedText(outcome.decision) };
}

/** True when the decision holds the call for a person and names the request to resume it by. */
export function isDurableHold(decision: PreflightDecision): boolean {
  return (
    decision.decision === 'require_approval' &&
    !!decision.approval_request_id &&
    decision.source === 'gateway'
  );
}

/** A held call the run paused on: the framework's call id and the ActPass request a person decides. */
export interface HeldCall {
  callId: string;
  tool: string;
  approvalRequestId: string;
}

/** Where a held request stands when the run is to resume. */
export type HeldStatus =
  | { status: 'approved'; held: HeldCall }
  | { status: 'pending'; held: HeldCall }
  | { status: 'refused'; held: HeldCall; text: string };

/**
 * Reads the request from the gateway (never the framework's own approve flag): approved → the call may
 * run (and its re-decision carries the id, which releases it exactly once); pending → still paused;
 * denied, expired or used → refused, with the `BLOCKED` text the model reads. An unreadable request
 * throws: nothing is approved on a guess.
 */
export async function heldStatus(actpass: ActPass, held: HeldCall): Promise<HeldStatus> {
  const request: ApprovalRequest = await actpass.approvals.get(held.approvalRequestId);
  if (request.status === 'approved') return { status: 'approved', held };
  if (request.status === 'pending') return { status: 'pending', held };
  return { status: 'refused', held, text: refusedText(request) };
}

function refusedText(request: ApprovalRequest): string {
  const code = request.status === 'denied' ? 'approval.denied' : 'approval.expired';
  const why =
    request.status === 'denied'
      ? `A person denied approval request ${request.id}${request.note ? ` (${request.note})` : ''}.`
      : request.status === 'used'
        ? `Approval request ${request.id} was already used.`
        : `Approval request ${request.id} expired before a person decided.`;
  return `BLOCKED ${code}: ${why} The action has not run; do not retry it.`;
}

/**
 * Remembers an early decision (taken in the framework's approval callback) for the call's hook to use;
 * at most 1 000 at once, the oldest going first (a call the framework never ran leaves one behind).
 */
export function rememberDecided<V>(decided: Map<string, V>, callId: string, verdict: V): void {
  decided.set(callId, verdict);
  if (decided.size > 1000) {
    const oldest = decided.keys().next().value;
    if (oldest !== undefined) decided.delete(oldest);
  }
}

/** Per interceptor: which call id waits on which approval request (filled by the hook and by resume). */
export class HeldCalls {
  readonly #byCall = new Map<string, HeldCall>();

  hold(held: HeldCall): void {
    this.#byCall.set(held.callId, held);
    if (this.#byCall.size > 1000) {
      const oldest = this.#byCall.keys().next().value;
      if (oldest !== undefined) this.#byCall.delete(oldest);
    }
  }

  get(callId: string | undefined): HeldCall | undefined {
    return callId === undefined ? undefined : this.#byCall.get(callId);
  }

  take(callId: string | undefined): HeldCall | undefined {
    const held = this.get(callId);
    if (callId !== undefined) this.#byCall.delete(callId);
    return held;
  }
}
