/**
 * The hook's one time budget. Claude Code runs the tool when a hook times out, so every wait inside the
 * hook (stdin, the gateway call and its retry) shares one deadline that ends well before the hook
 * timeout, and reaching it answers a deny — never a late answer, never silence.
 */
import {
  HOOK_ATTEMPT_TIMEOUT_MS,
  HOOK_DEADLINE_ENV,
  HOOK_DEADLINE_MAX_MS,
  HOOK_DEADLINE_MIN_MS,
  HOOK_DEADLINE_MS,
  HOOK_MAX_RETRIES,
  HOOK_RESERVE_MS,
} from './defaults.js';

export interface HookBudget {
  readonly deadlineMs: number;
  /** Milliseconds left before the deadline (never negative). */
  remaining(): number;
  /** Aborted at the deadline: cancels the gateway call and anything else watching it. */
  readonly signal: AbortSignal;
  /** Resolves at the deadline. */
  readonly expired: Promise<void>;
}

/** Starts the clock. `startedAt` lets the process's own start count (a `performance.now()` reading). */
export function startBudget(deadlineMs: number, startedAt = performance.now()): HookBudget {
  const endsAt = startedAt + deadlineMs;
  const remaining = () => Math.max(0, endsAt - performance.now());
  const controller = new AbortController();
  const expired = new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      controller.abort(new Error(`the hook's ${deadlineMs} ms deadline passed`));
      resolve();
    }, remaining());
    // The deadline never keeps a finished hook's process alive.
    timer.unref();
  });
  return { deadlineMs, remaining, signal: controller.signal, expired };
}

/** The gateway call's limits, derived from what is left, so no attempt or retry can end past it. */
export function gatewayLimits(
  budget: HookBudget,
): { signal: AbortSignal; deadlineMs: number; timeoutMs: number; maxRetries: number } | undefined {
  const forCall = Math.floor(budget.remaining() - HOOK_RESERVE_MS);
  if (forCall < 1) return undefined;
  return {
    signal: budget.signal,
    deadlineMs: forCall,
    timeoutMs: Math.min(HOOK_ATTEMPT_TIMEOUT_MS, forCall),
    maxRetries: HOOK_MAX_RETRIES,
  };
}

/**
 * The deadline from `--deadline-ms`, else the environment, else the default; a value that is not a
 * whole number of milliseconds in range is a problem naming where it came from.
 */
export function resolveDeadline(
  flag: string | undefined,
  env: Record<string, string | undefined> = process.env,
): { ok: true; deadlineMs: number } | { ok: false; problem: string } {
  const [source, text] =
    flag !== undefined ? ['--deadline-ms', flag] : [HOOK_DEADLINE_ENV, env[HOOK_DEADLINE_ENV]];
  if (text === undefined || text === '') return { ok: true, deadlineMs: HOOK_DEADLINE_MS };
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < HOOK_DEADLINE_MIN_MS || value > HOOK_DEADLINE_MAX_MS) {
    const shown = JSON.stringify(text.slice(0, 20));
    return {
      ok: false,
      problem: `${source} is ${shown}; give whole milliseconds from ${HOOK_DEADLINE_MIN_MS} to ${HOOK_DEADLINE_MAX_MS}, below the hook's timeout in .claude/settings.json`,
    };
  }
  return { ok: true, deadlineMs: value };
}
