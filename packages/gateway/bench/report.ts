/**
 * One command for every comparison behind the performance targets, each interleaved in rounds within one
 * run (so drift on a shared machine hits every side alike) and reported as the median with the min–max
 * over the rounds; prints the generated section and, with `--write`, replaces it in docs/benchmarks.md
 * (everything outside its markers is kept byte for byte). One module per comparison in `report/`.
 *
 *   pnpm bench:report                          # from the root: build, run everything, write the doc
 *   pnpm bench:report --rounds 2 --seconds 1 --calls 100   # a quick look (still writes the doc)
 *   pnpm bench:report --only sdk,python        # a subset: printed, never written
 *   pnpm bench:report --peers                  # also Cedar (wasm) and the Agent Governance Toolkit
 *   cd packages/gateway && npx tsx bench/report.ts --help
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measurePythonCanonical } from './report/canonical.js';
import { measureHook } from './report/hook.js';
import { measureHttp } from './report/http.js';
import { measureLedger } from './report/ledger.js';
import { describeMachine, sampleMachine, settle } from './report/machine.js';
import { replaceSection } from './report/markers.js';
import { type COMPARISONS, parseOptions, selected, USAGE } from './report/options.js';
import { measurePassports } from './report/passport.js';
import { BENCHMARKS_DOC, SCRATCH_DIR } from './report/paths.js';
import { measurePeersInChild } from './report/peers/child.js';
import { measureProxy } from './report/proxy.js';
import { measurePythonClient } from './report/python-client.js';
import { renderSection } from './report/render.js';
import type { Outcome, ReportResults } from './report/results.js';
import { measureSdkClient } from './report/sdk-client.js';

if (process.argv.includes('--help')) {
  console.log(USAGE);
  process.exit(0);
}
const options = parseOptions(process.argv.slice(2), process.env);
if (options.only.length > 0 && process.argv.includes('--write'))
  console.log('--only runs a subset, so docs/benchmarks.md is left as it is (printed only)');
const notSelected = { skipped: 'not selected in this run (`--only`)' };
const notRequested = {
  skipped:
    'not run: peers are optional; `pnpm bench:report --peers` installs them into a scratch folder and compares',
};

async function step<T>(
  name: (typeof COMPARISONS)[number],
  run: () => Promise<Outcome<T>> | Outcome<T>,
): Promise<Outcome<T>> {
  if (!selected(options, name)) return name === 'peers' ? notRequested : notSelected;
  const started = performance.now();
  process.stdout.write(`${name}… `);
  try {
    const result = await run();
    console.log(
      `${((performance.now() - started) / 1000).toFixed(0)} s${'skipped' in (result as object) ? ` (skipped: ${(result as { skipped: string }).skipped})` : ''}`,
    );
    return result;
  } catch (error) {
    console.log('failed');
    return { skipped: `failed: ${(error as Error).message.split('\n')[0]}` };
  }
}

async function measureAll(): Promise<ReportResults> {
  const waited = await settle();
  if (waited > 0) console.log(`waited ${waited} s for the load to settle`);
  const start = sampleMachine();
  console.log(
    `bench:report — ${options.rounds} rounds per comparison; load ${start.load.map((v) => v.toFixed(1)).join(' / ')}`,
  );
  const passport = await step('passport', () => measurePassports(options.rounds));
  const ledger = await step('ledger', () => measureLedger(options.rounds));
  const canonical = await step('canonical', () => measurePythonCanonical(options.rounds));
  const sdk = await step('sdk', () => measureSdkClient(options.rounds, options.calls));
  const python = await step('python', () => measurePythonClient(options.rounds, options.calls));
  const http = await step('http', () => measureHttp(options.rounds, options.httpSeconds));
  // Eight runs per round: one hook run is one process start, far noisier than one client call.
  const hook = await step('hook', () => measureHook(options.rounds * 8));
  const proxy = await step('proxy', () => measureProxy(options.calls * 3));
  const peers = await step('peers', () => measurePeersInChild(options.rounds));
  return {
    machine: describeMachine(start, sampleMachine()),
    rounds: options.rounds,
    passport,
    ledger,
    canonical,
    http,
    hook,
    proxy,
    sdk,
    python,
    peers,
  };
}

const results: ReportResults = options.from
  ? (JSON.parse(readFileSync(options.from, 'utf8')) as ReportResults)
  : await measureAll();
if (!options.from) {
  mkdirSync(SCRATCH_DIR, { recursive: true });
  const saved = join(SCRATCH_DIR, 'bench-report-results.json');
  writeFileSync(saved, JSON.stringify(results));
  console.log(`results saved to ${saved} (re-render with --from)`);
}
const section = renderSection(results);
console.log(`\n${section}\n`);
if (options.write) {
  writeFileSync(BENCHMARKS_DOC, replaceSection(readFileSync(BENCHMARKS_DOC, 'utf8'), section));
  console.log(`wrote the generated section of ${BENCHMARKS_DOC}`);
}
