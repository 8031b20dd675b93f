import type { Mode } from '../core/types.js';
import type { ToolNameOption } from './tool-name.js';

/** A value fixed for the wrapper, or computed per call from the tool input and the framework's call. */
export type PerCall<I, C, T> = T | ((input: I, call: C) => T | Promise<T>);

/**
 * How an adapter guards one framework tool. `I` is the tool's input as the framework parsed it from the
 * model's call (typed by the tool's schema); `C` is what the framework passes alongside it.
 */
export interface GuardToolOptions<I, C> {
  /** What the agent is trying to achieve; the passport's `goal` when one is presented. */
  goal: PerCall<I, C, string>;
  /** The ActPass tool name (default: the framework's tool name, which must then be a valid one). */
  tool?: ToolNameOption;
  /** What the call touches, e.g. `(input) => \`stripe:charge:${input.charge}\``. */
  resource?: ((input: I, call: C) => string | undefined | Promise<string | undefined>) | undefined;
  /** The `args` the gateway decides on (default: the tool input itself). */
  args?: ((input: I, call: C) => Record<string, unknown>) | undefined;
  passport?: PerCall<I, C, string | undefined>;
  mode?: PerCall<I, C, Mode | undefined>;
  agentId?: PerCall<I, C, string | undefined>;
  userId?: PerCall<I, C, string | undefined>;
  context?: PerCall<I, C, Record<string, unknown> | undefined>;
  /** On `require_approval`, wait for an approver before answering (see `guard()`). */
  waitForApproval?: { timeoutMs: number; pollIntervalMs?: number } | undefined;
  /** `'result'` (default): the model gets `BLOCKED <reason_code>: <summary>`; `'throw'`: a ToolBlockedError. */
  onBlocked?: 'result' | 'throw';
  /** Record an `action.outcome` evidence event after the tool ran (default: the client's setting). */
  recordOutcome?: boolean;
}
