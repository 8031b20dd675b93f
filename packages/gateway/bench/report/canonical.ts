/**
 * Canonical JSON in Python: `actpass._canonical` vs the `rfc8785` package on one ledger event. rfc8785
 * goes into the scratch folder, never a project dependency; skipped, saying so, when it cannot be installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { eventData } from './ledger.js';
import { lastJsonLine, lastLine, PYTHON, pythonMissing, SCRATCH_DIR } from './paths.js';

export const RFC8785_VERSION = '0.1.4';

export interface CanonicalResult {
  /** events per CPU-second, one sample per round */
  ours: number[];
  theirs: number[];
  python: string;
}

const PYTHON_BENCH = `
import json, sys, time
from actpass._canonical import canonicalize
import rfc8785
rounds = int(sys.argv[1])
event = json.loads(sys.argv[2])
assert canonicalize(event).encode() == rfc8785.dumps(event), "outputs differ"
def rate(fn, n=5000):
    t = time.process_time()
    for _ in range(n):
        fn(event)
    return n / (time.process_time() - t)
ours, theirs = [], []
for r in range(rounds):
    pair = [(ours, canonicalize), (theirs, rfc8785.dumps)]
    for into, fn in (pair if r % 2 == 0 else pair[::-1]):
        into.append(rate(fn))
print(json.dumps({"ours": ours, "theirs": theirs, "python": sys.version.split()[0]}))
`;

export function measurePythonCanonical(rounds: number): CanonicalResult | { skipped: string } {
  const missing = pythonMissing();
  if (missing) return { skipped: missing };
  const target = join(SCRATCH_DIR, 'py-rfc8785');
  if (!existsSync(join(target, 'rfc8785'))) {
    mkdirSync(target, { recursive: true });
    const installed = spawnSync(
      PYTHON,
      ['-m', 'pip', 'install', '--quiet', '--target', target, `rfc8785==${RFC8785_VERSION}`],
      { encoding: 'utf8' },
    );
    if (installed.status !== 0)
      return { skipped: `rfc8785 could not be installed: ${lastLine(installed.stderr)}` };
  }
  const event = {
    v: 1,
    seq: 42,
    id: 'ev_AbCdEfGhIjKlMnOpQrStUv',
    tenant_id: 'tenant_bench',
    type: 'decision',
    at: '2026-11-26T12:00:00.000Z',
    prev_hash: 'a'.repeat(64),
    data: eventData(42),
  };
  const run = spawnSync(PYTHON, ['-c', PYTHON_BENCH, String(rounds), JSON.stringify(event)], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: target },
  });
  const result = run.status === 0 ? lastJsonLine<CanonicalResult>(run.stdout) : undefined;
  return result ?? { skipped: `the Python canonical bench failed: ${lastLine(run.stderr)}` };
}
