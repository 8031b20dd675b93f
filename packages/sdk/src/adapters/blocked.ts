import type { PreflightDecision } from '../core/decision.js';
import { ActPassError } from '../core/errors.js';

/** What the model reads when a guarded tool did not run: `BLOCKED <reason_code>: <summary>`. */
export function blockedText(decision: PreflightDecision): string {
  return `BLOCKED ${decision.reason_code}: ${decision.explain.summary}`;
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
  readonly [BRAND] = true;

  constructor(tool: string, decision: PreflightDecision) {
    super(blockedText(decision));
    this.tool = tool;
    this.decision = decision;
    this.reasonCode = decision.reason_code;
  }
}

/** True for a {@link ToolBlockedError} from any of the adapter entries (each bundles its own class). */
export function isToolBlockedError(error: unknown): error is ToolBlockedError {
  return typeof error === 'object' && error !== null && (error as { [BRAND]?: unknown })[BRAND] === true;
}
