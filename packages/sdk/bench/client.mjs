// What users feel from the SDK, measured in interleaved rounds within one run (not a CI assertion):
//   1. guard() latency vs preflight() + execute, against a stub gateway in ANOTHER process;
//   2. SDK preflight vs raw fetch, same server;
//   3. cold import of @actpass/sdk vs the openai npm package (installed into a scratch folder, never a
//      project dependency: set ACTPASS_BENCH_OPENAI_DIR to a folder holding node_modules/openai, or the
//      script runs `npm install openai` into a temporary folder).
// Run: pnpm --filter @actpass/sdk build && node packages/sdk/bench/client.mjs [--json]
// `--json` prints one JSON line of per-round results last (the gateway's bench/report.ts reads it).
// Env: BENCH_ROUNDS, BENCH_CALLS, BENCH_IMPORT_ROUNDS, ACTPASS_BENCH_OPENAI_VERSION (default: latest).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CALLS = Number(process.env.BENCH_CALLS ?? 400);
const IMPORT_ROUNDS = Number(process.env.BENCH_IMPORT_ROUNDS ?? 15);
const JSON_OUT = process.argv.includes('--json');
const OPENAI = process.env.ACTPASS_BENCH_OPENAI_VERSION
  ? `openai@${process.env.ACTPASS_BENCH_OPENAI_VERSION}`
  : 'openai';
const SDK_ENTRY = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const STUB = fileURLToPath(new URL('./stub-gateway.mjs', import.meta.url));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const spread = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;

function startStub() {
  const child = spawn(process.execPath, [STUB], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve({ child, url: line.trim() }));
  });
}

async function latencies(call, n, before) {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (before) await before(); // untimed
    const t0 = performance.now();
    await call();
    out[i] = performance.now() - t0;
  }
  return median(out);
}

async function callLatency() {
  const { ActPass } = await import(pathToFileURL(SDK_ENTRY).href);
  const { child, url } = await startStub();
  const client = new ActPass({ apiKey: 'k_bench', baseUrl: url, agentId: 'bench', logger: {} });
  const input = { goal: 'resolve_refund_request', tool: 'stripe.refund.create', args: { amount: 4900 } };
  const execute = async () => ({ refund: 're_1' });
  const shapes = {
    raw: async () => {
      const res = await fetch(`${url}/api/v1/actions/preflight`, {
        method: 'POST',
        headers: { authorization: 'Bearer k_bench', 'content-type': 'application/json' },
        body: JSON.stringify({ ...input, mode: 'enforce', agent_id: 'bench' }),
      });
      await res.json();
    },
    preflight: async () => {
      await client.preflight(input);
    },
    preflightExecute: async () => {
      const d = await client.preflight(input);
      if (d.decision === 'allow') await execute();
    },
    guard: async () => {
      const out = await client.guard({ ...input, execute });
      if (!out.executed) throw new Error(`not executed: ${out.decision.reason_code}`);
    },
    guardAwaited: async () => {
      await client.guard({ ...input, execute, awaitOutcome: true });
    },
    // The latency a guard() call has when the previous call's outcome record has gone out, as it has
    // whenever anything (a model call, the agent's own work) happens between tool calls.
    guardSettled: async () => {
      const out = await client.guard({ ...input, execute });
      if (!out.executed) throw new Error(`not executed: ${out.decision.reason_code}`);
    },
  };
  const before = { guardSettled: () => client.flush() };
  for (const [name, call] of Object.entries(shapes)) await latencies(call, 200, before[name]); // warm-up
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const row = {};
    for (const [name, call] of Object.entries(shapes)) {
      row[name] = await latencies(call, CALLS, before[name]);
      await client.flush(); // no shape inherits another's queued records
    }
    await client.flush(); // no outcome left queued across rounds
    rounds.push(row);
  }
  await client.close();
  child.kill();
  return rounds;
}

function openaiDir() {
  const dir = process.env.ACTPASS_BENCH_OPENAI_DIR ?? join(tmpdir(), 'actpass-bench-openai');
  if (!existsSync(join(dir, 'node_modules/openai'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"private":true}');
    // npm's output goes to stderr, so a --json caller still finds the results on the last stdout line.
    execFileSync('npm', ['install', '--no-audit', '--no-fund', OPENAI], {
      cwd: dir,
      stdio: ['ignore', 2, 2],
    });
  }
  return dir;
}

/** Milliseconds from just before `import()` to its end, in a fresh Node process. */
function coldImport(specifier, cwd) {
  const script = `const t=performance.now();await import(${JSON.stringify(specifier)});console.log(performance.now()-t)`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd,
    encoding: 'utf8',
  });
  return Number(out.trim());
}

function coldImports() {
  const dir = openaiDir();
  const manifest = join(dir, 'node_modules/openai/package.json');
  const version = JSON.parse(readFileSync(manifest, 'utf8')).version;
  const sdk = [];
  const openai = [];
  coldImport(pathToFileURL(SDK_ENTRY).href, dir); // warm the file cache for both
  coldImport('openai', dir);
  for (let r = 0; r < IMPORT_ROUNDS; r++) {
    sdk.push(coldImport(pathToFileURL(SDK_ENTRY).href, dir));
    openai.push(coldImport('openai', dir));
  }
  return { sdk, openai, version };
}

const rounds = await callLatency();
const imports = coldImports();
if (JSON_OUT) {
  console.log(JSON.stringify({ node: process.version, calls: CALLS, rounds, imports }));
  process.exit(0);
}
const ratio = (a, b) => rounds.map((r) => r[a] / r[b]);
const guardVs = rounds.map((r) => r.guard / r.preflightExecute);
const importRatios = imports.sdk.map((s, i) => s / imports.openai[i]);
const ms = (x) => `${x.toFixed(3)} ms`;
const lines = [
  `Node ${process.version}; ${ROUNDS} interleaved rounds × ${CALLS} sequential calls per shape; stub gateway in its own process on loopback.`,
  '',
  '| shape | median of round medians | spread of round medians |',
  '|---|---|---|',
  ...['raw', 'preflight', 'preflightExecute', 'guard', 'guardAwaited'].map((k) => {
    const xs = rounds.map((r) => r[k]);
    return `| ${k} | ${ms(median(xs))} | ${spread(xs)} ms |`;
  }),
  '',
  `| ratio (per round) | median | spread |`,
  '|---|---|---|',
  `| guard / (preflight + execute) — target ≤ 1.1 | ${median(guardVs).toFixed(3)} | ${spread(guardVs)} |`,
  `| guard with awaitOutcome / (preflight + execute) | ${median(ratio('guardAwaited', 'preflightExecute')).toFixed(3)} | ${spread(ratio('guardAwaited', 'preflightExecute'))} |`,
  `| SDK preflight / raw fetch | ${median(ratio('preflight', 'raw')).toFixed(3)} | ${spread(ratio('preflight', 'raw'))} |`,
  '',
  `Cold import (ms from \`import()\` to resolved, fresh process, ${IMPORT_ROUNDS} interleaved rounds; openai ${imports.version} from a scratch folder):`,
  '',
  '| package | median | spread |',
  '|---|---|---|',
  `| @actpass/sdk | ${ms(median(imports.sdk))} | ${spread(imports.sdk)} ms |`,
  `| openai | ${ms(median(imports.openai))} | ${spread(imports.openai)} ms |`,
  `| ratio sdk/openai (per round) — target ≤ 0.5 | ${median(importRatios).toFixed(3)} | ${spread(importRatios)} |`,
];
console.log(lines.join('\n'));
