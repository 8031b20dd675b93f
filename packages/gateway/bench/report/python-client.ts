/**
 * The Python client with the server out of process (`python/bench/bench_out_of_process.py --json`):
 * client vs raw httpx and guard() vs preflight + execute, sync and async, in interleaved rounds.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { lastJsonLine, lastLine, PYTHON, pythonMissing, REPO_DIR } from './paths.js';

/** Median latency in seconds of each call shape, one object per round. */
export interface PythonRound {
  raw: number;
  preflight: number;
  preflight_execute: number;
  /** guard() back to back: each call shares the cores with the previous call's outcome record. */
  guard: number;
  /** guard() once the previous call's outcome record has been sent (untimed `flush()` before each). */
  guard_settled: number;
}

export interface PythonClientResult {
  python: string;
  calls: number;
  sync: PythonRound[];
  async: PythonRound[];
}

export function measurePythonClient(rounds: number, calls: number): PythonClientResult | { skipped: string } {
  const missing = pythonMissing();
  if (missing) return { skipped: missing };
  const run = spawnSync(
    PYTHON,
    ['bench/bench_out_of_process.py', '--json', '--rounds', String(rounds), '--calls', String(calls)],
    { encoding: 'utf8', cwd: join(REPO_DIR, 'python') },
  );
  const result = run.status === 0 ? lastJsonLine<PythonClientResult>(run.stdout) : undefined;
  return result ?? { skipped: `python/bench/bench_out_of_process.py failed: ${lastLine(run.stderr)}` };
}
