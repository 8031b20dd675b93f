/**
 * Cedar's official wasm bindings (`@cedar-policy/cedar-wasm`) against our evaluator on the same
 * decisions, two ways: with the policy set preparsed once (`preparsePolicySet` + `statefulIsAuthorized`,
 * the fastest way the bindings offer) and with `isAuthorized`, which takes the policy text on every
 * call (the bindings' plain API). Cedar runs in a worker process of its own (cedar_worker.cjs) that
 * answers one command per round, so the rounds interleave with ours; building each Cedar request is
 * part of its timed work.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompiledPolicy, PolicyInput } from '../../../src/policy/types.js';
import { SCRATCH_DIR } from '../paths.js';
import { interleave, perCpuSecondSync } from '../stats.js';
import { agreement, CEDAR_POLICIES, cedarAnswer, ourAnswer, peerContext } from './refunds.js';
import { npmScratch } from './scratch.js';
import type { PeerComparison } from './types.js';
import { startWorker } from './worker.js';

export const CEDAR_WASM_VERSION = '4.13.0';
const SLOT_MILLIS = 700;
const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'cedar_worker.cjs');

export type CedarMode = 'preparsed' | 'per-call';

export async function compareCedar(
  policy: CompiledPolicy,
  requests: readonly PolicyInput[],
  rounds: number,
  mode: CedarMode,
): Promise<PeerComparison | { skipped: string }> {
  const installed = npmScratch('@cedar-policy/cedar-wasm', CEDAR_WASM_VERSION);
  if ('skipped' in installed) return installed;
  const root = join(installed.dir, 'node_modules/@cedar-policy/cedar-wasm');
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
  const work = mkdtempSync(join(SCRATCH_DIR, 'cedar-run-'));
  const specFile = join(work, 'spec.json');
  writeFileSync(
    specFile,
    JSON.stringify({
      policies: CEDAR_POLICIES,
      requests: requests.map((input) => ({ tool: input.tool, context: peerContext(input) })),
    }),
  );
  // --no-turbo-inlining: see cedar_worker.cjs (Node 20 aborts in V8's deoptimizer without it).
  const worker = startWorker(process.execPath, [
    '--no-turbo-inlining',
    WORKER,
    join(root, 'nodejs/cedar_wasm.js'),
    specFile,
  ]);
  try {
    const { answers, version: cedarVersion } = await worker.ask<{
      answers: [string, string[]][];
      version: string;
    }>(`answers ${mode}`);
    const ours = requests.map((input) => ourAnswer(policy, input));
    const { mismatches, examples } = agreement(
      requests,
      ours,
      answers.map(([decision, determining]) => cedarAnswer(decision, determining)),
    );
    let i = 0;
    const samples = await interleave(rounds, {
      ours: () => perCpuSecondSync(() => ourAnswer(policy, requests[i++ % requests.length]!), SLOT_MILLIS),
      theirs: async () => (await worker.ask<{ rate: number }>(`rate ${mode} ${SLOT_MILLIS}`)).rate,
    });
    return {
      peer: mode === 'preparsed' ? 'Cedar, policy set preparsed' : 'Cedar, policy text per call',
      version: `@cedar-policy/cedar-wasm ${version} (Cedar ${cedarVersion})`,
      requests: requests.length,
      mismatches,
      examples,
      how:
        mode === 'preparsed'
          ? 'a worker Node process: `preparsePolicySet` once, then `statefulIsAuthorized` per request'
          : 'a worker Node process: `isAuthorized` with the policy text per request (the plain API)',
      ...samples,
    };
  } catch (error) {
    return { skipped: `the Cedar comparison failed: ${(error as Error).message}` };
  } finally {
    worker.close();
    rmSync(work, { recursive: true, force: true });
  }
}
