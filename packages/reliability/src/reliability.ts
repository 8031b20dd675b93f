/**
 * The long run (`pnpm --filter @actpass/reliability reliability`): every suite at a larger scale than
 * CI, then one table. Exits non-zero when any suite failed or any "wrongly run" / "lost" is not 0.
 *
 * Scale knobs (environment): RELIABILITY_PREFLIGHTS (crash/load, default 20000; RELIABILITY_PG_PREFLIGHTS
 * for the PostgreSQL store, default 5000), RELIABILITY_CALLS
 * (fault proxy calls per fault × mode cell, default 40), ACTPASS_PROPERTY_RUNS (ledger property runs,
 * default 5000). The Python suites run with ACTPASS_RELIABILITY_SCALE=long.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCrashLoad } from './crash-load.js';
import { auditFaultRun, type CallRecord, runCell } from './fault-matrix.js';
import { FAULT_MODES, FaultProxy } from './fault-proxy.js';
import { GatewayProcess } from './gateway-process.js';
import { DATABASE_URL_ENV, freshDatabase } from './postgres.js';
import { cellGoal, prepareStrict, SDK_MODES } from './scenario.js';

interface Row {
  suite: string;
  cases: number | string;
  faults: number | string;
  wronglyRun: number | string;
  lost: number | string;
  chain: string;
  ok: boolean;
  note?: string;
}

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO = join(PACKAGE_DIR, '..', '..');
const PREFLIGHTS = Number(process.env.RELIABILITY_PREFLIGHTS ?? 20_000);
/** Every PostgreSQL append is a network round trip: the PostgreSQL run is smaller by default. */
const PG_PREFLIGHTS = Number(process.env.RELIABILITY_PG_PREFLIGHTS ?? 5_000);
const CALLS = Number(process.env.RELIABILITY_CALLS ?? 40);
const PROPERTY_RUNS = Number(process.env.ACTPASS_PROPERTY_RUNS ?? 5_000);
const LEDGER_PROPERTIES = 2; // file-level and event-level tamper properties
const say = (line: string) => process.stderr.write(`${line}\n`);

async function ledgerProperties(): Promise<Row> {
  say(`ledger tamper properties: ${PROPERTY_RUNS} runs each`);
  const vitest = join(PACKAGE_DIR, 'node_modules', '.bin', 'vitest');
  const result = spawnSync(vitest, ['run', 'test/ledger-tamper.test.ts'], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ACTPASS_PROPERTY_RUNS: String(PROPERTY_RUNS), ACTPASS_TEST_RESULTS: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const ok = result.status === 0;
  return {
    suite: 'ledger tamper (fast-check)',
    cases: PROPERTY_RUNS * LEDGER_PROPERTIES,
    faults: PROPERTY_RUNS * LEDGER_PROPERTIES,
    wronglyRun: '—',
    lost: '—',
    chain: ok ? 'every change detected' : 'UNDETECTED CHANGE',
    ok,
  };
}

async function faultMatrix(): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'actpass-rel-faults-'));
  const gateway = new GatewayProcess({ dir });
  const ready = await gateway.start();
  const target = { url: ready.url, tenantId: ready.tenant_id, keys: ready.keys };
  const proxy = await FaultProxy.start({ target: ready.url, mode: 'pass' });
  const calls: CallRecord[] = [];
  try {
    for (const [index, fault] of FAULT_MODES.filter((mode) => mode !== 'pass').entries()) {
      say(`fault proxy (TypeScript SDK): ${fault}, ${CALLS} calls in each of ${SDK_MODES.length} modes`);
      const goals = Array.from({ length: CALLS }, (_, i) => cellGoal('long', fault, 'strict', i));
      const passports = await prepareStrict(ready.url, ready.keys, goals);
      proxy.configure({ mode: fault, faultRate: 0.6, seed: index + 1 });
      const cells = SDK_MODES.map((mode) =>
        runCell({
          proxy,
          gateway: target,
          fault,
          mode,
          calls: CALLS,
          runId: 'long',
          timeoutMs: 1_000,
          ...(mode === 'strict' ? { passports } : {}),
        }),
      );
      calls.push(...(await Promise.all(cells)).flat());
      proxy.configure({ mode: 'pass' });
    }
    const audit = await auditFaultRun(target, calls, proxy.requests, proxy.faults.length);
    const duplicates = audit.duplicateDecisions.length + audit.duplicateKeys.length + audit.keyChanges.length;
    return {
      suite: 'fault proxy, TypeScript SDK (6 faults × 4 modes)',
      cases: audit.cases,
      faults: audit.faultsInjected,
      wronglyRun: audit.wronglyRun.length + audit.monitorNotRun.length,
      lost: audit.lost.length,
      chain: audit.chainOk ? 'ok' : 'BROKEN',
      ok:
        audit.wronglyRun.length + audit.monitorNotRun.length + audit.lost.length + duplicates === 0 &&
        audit.chainOk,
      note: `${audit.retries} retried attempts, ${duplicates} double decisions, ${audit.alteredInTransit} corrupted-but-parsable`,
    };
  } finally {
    await proxy.close();
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function crashLoad(store: 'file' | 'postgres'): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'actpass-rel-crash-'));
  const database = store === 'postgres' ? await freshDatabase() : undefined;
  try {
    const preflights = store === 'postgres' ? PG_PREFLIGHTS : PREFLIGHTS;
    say(
      `crash + load (${store}): ${preflights} preflights, 64 clients, 2 kills under load + 1 before the audit`,
    );
    const report = await runCrashLoad({
      preflights,
      clients: 64,
      kills: 2,
      dir,
      ...(database ? { databaseUrl: database.url } : {}),
      log: (line) => say(`  ${line}`),
    });
    const doubles = report.jtiAllowedTwice.length + report.keysDecidedTwice.length;
    return {
      suite: `crash + load, ${store} store (kill -9 ×${report.kills})`,
      cases: report.preflights,
      faults: report.kills,
      wronglyRun: report.jtiAllowedTwice.length,
      lost: report.lost.length,
      chain: report.chainOk ? 'ok' : 'BROKEN',
      ok: report.lost.length + doubles === 0 && report.chainOk,
      note: `${report.answered} answered, ${report.failedClosed} failed closed while down, ${report.passportsUsed} passports shared by concurrent requests, ${doubles} double decisions`,
    };
  } finally {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function pythonSuites(): Row[] {
  const reportDir = mkdtempSync(join(tmpdir(), 'actpass-rel-py-'));
  say('python suites (contract fuzzing, guard properties, fault proxy) at long scale');
  const result = spawnSync(
    join(REPO, 'python', '.venv', 'bin', 'pytest'),
    ['-q', '-p', 'no:cacheprovider', 'tests/reliability'],
    {
      cwd: join(REPO, 'python'),
      env: { ...process.env, ACTPASS_RELIABILITY_SCALE: 'long', ACTPASS_RELIABILITY_REPORT: reportDir },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const ok = result.status === 0;
  const read = (name: string) => {
    const file = join(reportDir, `${name}.json`);
    return existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, number | boolean>)
      : undefined;
  };
  const rows: Row[] = [];
  const fuzz = read('contract-fuzz');
  rows.push({
    suite: 'contract fuzzing (schemathesis, + unknown-member probes)',
    cases: fuzz
      ? `${fuzz.examples} examples / ${fuzz.operations} ops + ${fuzz.unknown_field_probes} probes`
      : 'not run',
    faults: '—',
    wronglyRun: '—',
    lost: '—',
    chain: '—',
    ok: ok && fuzz !== undefined && fuzz.failures === 0,
    note: fuzz ? `${fuzz.failures} failing examples` : undefined,
  });
  const guard = read('python-guard-properties');
  rows.push({
    suite: 'Python guard() vs arbitrary responses (hypothesis)',
    cases: guard ? Number(guard.cases) : 'not run',
    faults: guard ? Number(guard.cases) : '—',
    wronglyRun: guard ? Number(guard.wrongly_run) : '—',
    lost: '—',
    chain: '—',
    ok: ok && guard !== undefined && guard.wrongly_run === 0,
  });
  const faults = readdirSync(reportDir)
    .filter((file) => file.startsWith('python-fault-'))
    .map(
      (file) => JSON.parse(readFileSync(join(reportDir, file), 'utf8')) as Record<string, number | boolean>,
    );
  const sum = (key: string) => faults.reduce((total, row) => total + Number(row[key] ?? 0), 0);
  rows.push({
    suite: 'fault proxy, Python client sync + async (6 faults × 4 modes)',
    cases: faults.length > 0 ? sum('cases') : 'not run',
    faults: sum('faults'),
    wronglyRun: sum('wrongly_run'),
    lost: sum('lost'),
    chain: faults.every((row) => row.chain_ok === true) ? 'ok' : 'BROKEN',
    ok: ok && faults.length === 6 && sum('wrongly_run') + sum('lost') + sum('duplicates') === 0,
    note: `${sum('duplicates')} double decisions`,
  });
  rmSync(reportDir, { recursive: true, force: true });
  return rows;
}

function table(rows: Row[]): string {
  const header = [
    'suite',
    'cases tried',
    'faults injected',
    'executions wrongly run',
    'decisions lost',
    'chain verified',
    'result',
  ];
  const lines = rows.map((row) => [
    row.suite,
    String(row.cases),
    String(row.faults),
    String(row.wronglyRun),
    String(row.lost),
    row.chain,
    row.ok ? 'pass' : 'FAIL',
  ]);
  const out = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const line of lines) out.push(`| ${line.join(' | ')} |`);
  const notes = rows.filter((row) => row.note).map((row) => `- ${row.suite}: ${row.note}`);
  return [...out, '', ...notes].join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const rows: Row[] = [];
  rows.push(await ledgerProperties());
  rows.push(await faultMatrix());
  rows.push(await crashLoad('file'));
  if (process.env[DATABASE_URL_ENV]) rows.push(await crashLoad('postgres'));
  else say(`crash + load (postgres) skipped: ${DATABASE_URL_ENV} is not set`);
  rows.push(...pythonSuites());
  process.stdout.write(`${table(rows)}\n\nTotal: ${Math.round((Date.now() - started) / 1000)} s\n`);
  process.exitCode = rows.every((row) => row.ok) ? 0 : 1;
}

await main();
