/**
 * `actpass hook claude-code [--mode enforce|monitor] [--deadline-ms N] [--goal G]`: reads one
 * PreToolUse payload on stdin and prints the decision JSON on stdout. It always exits 0 with a JSON
 * answer, because Claude Code runs the tool after any other exit code but 2 and after a hook timeout:
 * a bad flag, an oversized or unreadable payload and a slow gateway are each a JSON deny (in enforce),
 * printed before the deadline (default 5 s, `--deadline-ms` or ACTPASS_HOOK_DEADLINE_MS). The gateway is
 * reached with ACTPASS_API_KEY and ACTPASS_BASE_URL like any SDK call; the mode defaults to
 * ACTPASS_HOOK_MODE, else enforce.
 */
import { setFlagsFromString } from 'node:v8';
import { ActPass } from '@actpass/sdk';
import { type HookBudget, resolveDeadline, startBudget } from '../hooks/claude-code/budget.js';
import {
  HOOK_ATTEMPT_TIMEOUT_MS,
  HOOK_INPUT_MAX_BYTES,
  HOOK_MAX_RETRIES,
} from '../hooks/claude-code/defaults.js';
import {
  deadlineOutput,
  failedOutput,
  type HookMode,
  type HookOutput,
  refuseInput,
  runClaudeCodeHook,
} from '../hooks/claude-code/hook.js';
import { decodePayload } from '../hooks/claude-code/payload.js';
import { stateDir } from '../hooks/claude-code/session.js';
import { defaultKeyFile } from '../hooks/claude-code/state-key.js';
import { hookFetch } from '../hooks/claude-code/transport.js';
import { parseCommandArgs } from './args.js';
import { EXIT_OK } from './errors.js';
import type { Output } from './io.js';

const SILENT = { debug() {}, info() {}, warn() {}, error() {} };

export type Input = AsyncIterable<Buffer | string> | Iterable<Buffer | string>;

/** stdin's bytes, up to one byte past the cap (enough to know it is too large, no more). */
export async function readCapped(stdin: Input): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    chunks.push(bytes);
    total += bytes.byteLength;
    if (total > HOOK_INPUT_MAX_BYTES) break;
  }
  return Buffer.concat(chunks);
}

export interface HookSettings {
  mode: HookMode;
  deadlineMs?: number;
  goal?: string;
  problem?: string;
}

/** Flags and environment; a problem in them is answered like a bad payload, never by a crash. */
export function settings(argv: string[], command = 'hook claude-code'): HookSettings {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseCommandArgs(
      command,
      argv,
      { mode: { type: 'string' }, goal: { type: 'string' }, 'deadline-ms': { type: 'string' } },
      0,
    ).flags;
  } catch (error) {
    return { mode: 'enforce', problem: (error as Error).message };
  }
  const mode = (flags.mode ?? process.env.ACTPASS_HOOK_MODE ?? 'enforce') as string;
  if (mode !== 'enforce' && mode !== 'monitor') {
    // An unreadable mode is not a reason to stop enforcing.
    return { mode: 'enforce', problem: `--mode (or ACTPASS_HOOK_MODE) must be enforce or monitor` };
  }
  const deadline = resolveDeadline(flags['deadline-ms'] as string | undefined);
  if (!deadline.ok) return { mode, problem: deadline.problem };
  return {
    mode,
    deadlineMs: deadline.deadlineMs,
    ...(typeof flags.goal === 'string' ? { goal: flags.goal } : {}),
  };
}

async function answer(settings: HookSettings, budget: HookBudget, stdin: Input): Promise<HookOutput> {
  const decoded = decodePayload(await readCapped(stdin));
  if (!decoded.ok) return refuseInput(decoded.problem, settings.mode);
  const client = new ActPass({
    fetch: hookFetch(),
    logger: SILENT,
    maxRetries: HOOK_MAX_RETRIES,
    timeoutMs: HOOK_ATTEMPT_TIMEOUT_MS,
  });
  return runClaudeCodeHook(decoded.text, {
    client,
    mode: settings.mode,
    state: { dir: stateDir(), keyFile: defaultKeyFile() },
    budget,
    ...(settings.goal !== undefined ? { goal: settings.goal } : {}),
  });
}

let quickWasm = false;

/**
 * The shell parser is WebAssembly (tree-sitter's Bash grammar, 1.3 MB). V8 compiles it fast with its
 * baseline compiler, then re-compiles it with the optimising one, and the hook's event loop stalls
 * until that finishes: measured 2–2.5 s on a busy 2-core machine, longer than everything else the hook
 * does. A hook process parses one short command and exits, so it keeps the baseline code. Set only
 * when the hook runs, never at import: a long-lived proxy in the same CLI keeps optimised WebAssembly
 * (Node's HTTP parser is WebAssembly too).
 */
export function preferQuickWasmCompile(): void {
  if (quickWasm) return;
  quickWasm = true;
  try {
    setFlagsFromString('--liftoff-only');
  } catch {
    // An engine without the flag compiles as it always does; only slower.
  }
}

/**
 * `startedAt` is when the clock starts (a `performance.now()` reading): a dedicated hook process
 * passes 0, its own start, so even Node's start-up counts against the deadline.
 */
export async function hookClaudeCode(
  argv: string[],
  io: Output,
  stdin: Input = process.stdin,
  startedAt: number = performance.now(),
): Promise<number> {
  preferQuickWasmCompile();
  const chosen = settings(argv);
  let output: HookOutput;
  if (chosen.problem !== undefined || chosen.deadlineMs === undefined) {
    output = refuseInput(chosen.problem ?? 'the hook is misconfigured', chosen.mode);
  } else {
    const budget = startBudget(chosen.deadlineMs, startedAt);
    const late = budget.expired.then(() => deadlineOutput(budget.deadlineMs, chosen.mode));
    const answered = answer(chosen, budget, stdin).catch((error: unknown) =>
      failedOutput(error, chosen.mode),
    );
    output = await Promise.race([answered, late]);
  }
  io.out(JSON.stringify(output));
  // A writer that never closes stdin must not keep the process (and Claude Code) waiting.
  if (stdin === process.stdin) process.stdin.destroy();
  return EXIT_OK;
}
