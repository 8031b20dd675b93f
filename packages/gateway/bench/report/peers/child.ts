/**
 * Runs each peer comparison in its own child process (peers/main.ts) and reads its last JSON line, so a
 * peer that crashes cannot take the report down. A child that dies by a signal is retried (Node 20 has
 * aborted inside V8 while driving the Cedar wasm bindings; see cedar_worker.cjs); the report says how
 * many attempts it took.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BENCH_DIR, GATEWAY_DIR, lastJsonLine, lastLine } from '../paths.js';
import { PEERS, type PeerName } from './index.js';
import type { PeerComparison, PeersResult } from './types.js';

const ATTEMPTS = 4;

function runPeer(name: PeerName, rounds: number): PeerComparison | { skipped: string } {
  const failures: string[] = [];
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(BENCH_DIR, 'report/peers/main.ts'), name, String(rounds)],
      { encoding: 'utf8', cwd: GATEWAY_DIR, maxBuffer: 64 * 1024 * 1024 },
    );
    const result =
      run.status === 0 ? lastJsonLine<PeerComparison | { skipped: string }>(run.stdout) : undefined;
    if (result) return 'skipped' in result ? result : { ...result, attempts: attempt };
    const crashed =
      run.signal ?? (run.status !== null && run.status > 128 ? `exit ${run.status}` : undefined);
    failures.push(`${run.signal ?? `exit ${run.status}`}: ${lastLine(run.stderr)}`);
    if (!crashed) break; // an ordinary failure repeats; only a crash is worth another try
  }
  return { skipped: `the ${name} comparison failed ${failures.length} time(s); last: ${failures.at(-1)}` };
}

export function measurePeersInChild(rounds: number): PeersResult {
  const entries = PEERS.map((name) => [name, runPeer(name, rounds)] as const);
  return Object.fromEntries(entries) as unknown as PeersResult;
}
