/**
 * The TypeScript SDK as users feel it (`packages/sdk/bench/client.mjs --json`): guard() vs preflight +
 * execute, SDK preflight vs raw fetch against a stub gateway in another process, and cold import of
 * the built SDK vs the openai package (installed into a scratch folder, never a project dependency).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lastJsonLine, lastLine, REPO_DIR, SCRATCH_DIR } from './paths.js';

export const OPENAI_NPM_VERSION = '6.49.0';

/** Median latency in ms of each call shape, one object per round. */
export interface SdkRound {
  raw: number;
  preflight: number;
  preflightExecute: number;
  /** guard() back to back: each call shares the cores with the previous call's outcome record. */
  guard: number;
  guardAwaited: number;
  /** guard() once the previous call's outcome record has been sent (untimed `flush()` before each). */
  guardSettled: number;
}

export interface SdkResult {
  node: string;
  calls: number;
  rounds: SdkRound[];
  /** cold-import milliseconds, one per round, paired */
  imports: { sdk: number[]; openai: number[]; version: string };
}

const CLIENT_BENCH = join(REPO_DIR, 'packages/sdk/bench/client.mjs');

export function measureSdkClient(rounds: number, calls: number): SdkResult | { skipped: string } {
  if (!existsSync(join(REPO_DIR, 'packages/sdk/dist/index.js')))
    return {
      skipped: 'packages/sdk/dist is missing (run `pnpm exec turbo run build --filter @actpass/sdk`)',
    };
  const run = spawnSync(process.execPath, [CLIENT_BENCH, '--json'], {
    encoding: 'utf8',
    env: {
      ...process.env,
      BENCH_ROUNDS: String(rounds),
      BENCH_CALLS: String(calls),
      // Cold imports are cheap and noisy: three per round.
      BENCH_IMPORT_ROUNDS: String(rounds * 3),
      ACTPASS_BENCH_OPENAI_DIR: process.env.ACTPASS_BENCH_OPENAI_DIR ?? join(SCRATCH_DIR, 'npm-openai'),
      ACTPASS_BENCH_OPENAI_VERSION: OPENAI_NPM_VERSION,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  const result = run.status === 0 ? lastJsonLine<SdkResult>(run.stdout) : undefined;
  return result ?? { skipped: `packages/sdk/bench/client.mjs failed: ${lastLine(run.stderr)}` };
}
