/**
 * The Claude Code hook: wall time of one PreToolUse decision through a fresh hook process (process
 * start to exit, against a gateway on loopback), beside the floor of `node -e ''` on the same machine.
 * Runs `packages/edge/bench/hook-latency.mjs --json`, which interleaves every variant run by run.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { lastJsonLine, lastLine, REPO_DIR } from './paths.js';

export interface HookRow {
  variant: string;
  p50_ms: number;
  p99_ms: number;
  p50_vs_floor: number;
  p99_vs_floor: number;
}

export interface HookResult {
  runs: number;
  rows: HookRow[];
}

/** The variant the targets are read from: the dedicated executable, with its code cache, on Bash. */
export const HOOK_TARGET_VARIANT = 'actpass-hook claude-code';

/** `runs` interleaved runs of every variant (each run starts one process per variant). */
export function measureHook(runs: number): HookResult | { skipped: string } {
  const run = spawnSync(
    process.execPath,
    [join(REPO_DIR, 'packages/edge/bench/hook-latency.mjs'), '--runs', String(runs), '--json'],
    { encoding: 'utf8', cwd: REPO_DIR },
  );
  const out = run.status === 0 ? lastJsonLine<HookResult>(run.stdout) : undefined;
  return out ?? { skipped: `hook-latency.mjs failed: ${lastLine(run.stderr)}` };
}
