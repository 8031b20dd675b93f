/** The served gateway over HTTP, keyed (an Idempotency-Key per request, as the SDKs send) vs unkeyed. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BENCH_DIR, GATEWAY_DIR, lastJsonLine, lastLine } from './paths.js';
import type { Spread } from './stats.js';

export interface HttpRow {
  concurrency: number;
  unkeyed: Spread & { p50: number; p99: number };
  keyed: Spread & { p50: number; p99: number };
  ratio: number;
  ratioMin: number;
  ratioMax: number;
}

export interface HttpResult {
  rows: HttpRow[];
  answered: number;
  recorded: number;
  chainOk: boolean;
  seconds: number;
}

/** Runs `bench/http.bench.mjs --json` (file stores, built gateway) and reads its last line. */
export function measureHttp(rounds: number, seconds: number): HttpResult | { skipped: string } {
  const run = spawnSync(process.execPath, [join(BENCH_DIR, 'http.bench.mjs'), '--json'], {
    encoding: 'utf8',
    cwd: GATEWAY_DIR,
    env: {
      ...process.env,
      ACTPASS_BENCH_ROUNDS: String(rounds),
      ACTPASS_BENCH_SECONDS: String(seconds),
      ACTPASS_DATABASE_URL: '',
    },
  });
  const out = run.status === 0 ? lastJsonLine<{ http: HttpResult[] }>(run.stdout) : undefined;
  return out?.http[0] ?? { skipped: `http.bench.mjs failed: ${lastLine(run.stderr)}` };
}
