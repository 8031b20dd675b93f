import type { PreflightDecision } from '../core/decision.js';
import { ActPassError } from '../core/errors.js';

/**
 * What the model reads when a guarded tool did not run: `BLOCKED <reason_code>: <summary>`. A held
 * call also names its approval request and says that a person decides, so the model tells the user
 * instead of retrying blindly (a retry before the decision only finds the same request pending).
 */
export function blockedText(decision: PreflightDecision): string {
  const text = `BLOCKED ${decision.reason_code}: ${decision.explain.summary}`;
  if (decision.decision !== 'require_approval') return text;
  const id = decision.approval_request_id;
  if (!id) return `${text} A person must approve this action; it has not run.`;
  return `${text} Approval request ${id} is waiting for a person to decide; the action has not run. Tell the user it needs approval; retrying before a person approves ${id} will not run it.`;
}

/**
 * The structured form of a blocked call, for tools whose output has a shape of its own (a custom model
 * output, an artifact): the same text, the reason code and, for a hold, the approval request id.
 */
export interface BlockedResult {
  readonly actpassBlocked: true;
  readonly text: string;
  readonly reasonCode: string;
  readonly approvalRequestId?: string;
}

export function blockedResult(decision: PreflightDecision): BlockedResult {
  return {
    actpassBlocked: true,
    text: blockedText(decision),
    reasonCode: decision.reason_code,
    ...(decision.approval_request_id ? { approvalRequestId: decision.approval_request_id } : {}),
  };
}

export function isBlockedResult(value: unknown): value is BlockedResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { actpassBlocked?: unknown }).actpassBlocked === true &&
    typeof (value as { text?: unknown }).text === 'string'
  );
}

const BRAND = Symbol.for('actpass.ToolBlockedError');

/**
 * Thrown by a guarded tool instead of returning the `BLOCKED` text when the wrapper was built with
 * `onBlocked: 'throw'`. The message is the same text; the decision rides along for the caller.
 */
export class ToolBlockedError extends ActPassError {
  override name = 'ToolBlockedError';
  readonly decision: PreflightDecision;
  readonly reasonCode: string;
  readonly tool: string;
  readonly approvalRequestId: string | undefined;
  readonly [BRAND] = true;

  constructor(tool: string, decision: PreflightDecision) {
    super(blockedText(decision));
    this.tool = tool;
    this.decision = decision;
    this.reasonCode = decision.reason_code;
    this.approvalRequestId = decision.approval_request_id;
  }
}

/** True for a {@link ToolBlockedError} from any of the adapter entries (each bundles its own class). */
export function isToolBlockedError(error: unknown): error is ToolBlockedError {
  return typeof error === 'object' && error !== null && (error as { [BRAND]?: unknown })[BRAND] === true;
}
