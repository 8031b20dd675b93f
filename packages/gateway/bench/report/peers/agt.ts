/**
 * Microsoft's Agent Governance Toolkit (PyPI `agent-governance-toolkit`, its policy engine
 * `agent_os.policies.PolicyEvaluator`) against our evaluator on the same decisions. It is a Python
 * package: a long-lived child interpreter (agt_worker.py) holds the evaluator and answers one command
 * per round, so the rounds interleave with ours without paying interpreter start-up in the timings.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompiledPolicy, PolicyInput } from '../../../src/policy/types.js';
import { PYTHON, SCRATCH_DIR } from '../paths.js';
import { interleave, perCpuSecondSync } from '../stats.js';
import { AGT_DOCUMENT, agreement, agtAnswer, ourAnswer, peerContext } from './refunds.js';
import { pipScratch } from './scratch.js';
import type { PeerComparison } from './types.js';
import { startWorker } from './worker.js';

export const AGT_VERSION = '4.1.0';
const SLOT_MILLIS = 700;
const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'agt_worker.py');

export async function compareAgt(
  policy: CompiledPolicy,
  requests: readonly PolicyInput[],
  rounds: number,
): Promise<PeerComparison | { skipped: string }> {
  const installed = pipScratch(
    `agent-governance-toolkit[core]==${AGT_VERSION}`,
    'agent_os/policies/evaluator.py',
  );
  if ('skipped' in installed) return installed;
  const work = mkdtempSync(join(SCRATCH_DIR, 'agt-run-'));
  const specFile = join(work, 'spec.json');
  writeFileSync(specFile, JSON.stringify({ document: AGT_DOCUMENT, contexts: requests.map(peerContext) }));
  const worker = startWorker(PYTHON, [WORKER, specFile], {
    ...process.env,
    PYTHONPATH: installed.dir,
    PYTHONWARNINGS: 'ignore',
  });
  try {
    const { answers, version } = await worker.ask<{ answers: [string, string][]; version: string }>(
      'answers',
    );
    const ours = requests.map((input) => ourAnswer(policy, input));
    const { mismatches, examples } = agreement(
      requests,
      ours,
      answers.map(([action, reason]) => agtAnswer(action, reason)),
    );
    let i = 0;
    const samples = await interleave(rounds, {
      ours: () => perCpuSecondSync(() => ourAnswer(policy, requests[i++ % requests.length]!), SLOT_MILLIS),
      theirs: async () => (await worker.ask<{ rate: number }>(`rate ${SLOT_MILLIS}`)).rate,
    });
    return {
      peer: 'Agent Governance Toolkit',
      version: `agent-governance-toolkit ${AGT_VERSION} (agent_os policy engine ${version})`,
      requests: requests.length,
      mismatches,
      examples,
      how: 'a child Python interpreter: `PolicyEvaluator([PolicyDocument])`, then `evaluate(context)` per request; its rate is per CPU-second of that interpreter',
      ...samples,
    };
  } catch (error) {
    return { skipped: `the Agent Governance Toolkit comparison failed: ${(error as Error).message}` };
  } finally {
    worker.close();
    rmSync(work, { recursive: true, force: true });
  }
}
