/**
 * Preflight throughput of `actpass dev` over loopback HTTP: 1 process on the file store, then 1 and 3
 * processes sharing one PostgreSQL. Every preflight is an `allow` that appends a ledger event, so this
 * measures the decision path including the durable append. Reported, not asserted; after each run
 * the ledger must hold exactly one decision event per answered decision, or the benchmark fails.
 *
 *   cd packages/gateway && node bench/postgres.bench.mjs [--requests 4000] [--concurrency 64]
 *
 * Uses ACTPASS_BENCH_DATABASE_URL (a server URL; one fresh database per run is created on it), else
 * starts a throwaway server with scripts/postgres.sh. Gateways run from source through tsx, so no
 * build is needed.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url));
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const PG_SCRIPT = fileURLToPath(new URL('../../../scripts/postgres.sh', import.meta.url));

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '64' },
    warmup: { type: 'string', default: '300' },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const WARMUP = Number(values.warmup);

const { default: pg } = await import('pg');

function startGateway(args) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'dev', '--port', '0', '--json', ...args], {
    cwd: PACKAGE_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`gateway exited (${code}): ${stderr}`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      const ready = JSON.parse(line);
      resolve({
        ...ready,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/** Closed-loop load: CONCURRENCY clients, each sending its next request when the last one answered. */
async function drive(gateways, total) {
  let next = 0;
  const answered = [];
  const failures = new Map();
  const client = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const gateway = gateways[i % gateways.length];
      const started = performance.now();
      const response = await fetch(`${gateway.url}/api/v1/actions/preflight`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gateway.keys.agent}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          goal: 'refund a duplicate charge',
          tool: 'stripe.refund.create',
          resource: `stripe:charge:ch_${i}`,
          args: { amount: 100 + (i % 9000) },
        }),
      });
      const body = await response.json();
      if (response.status === 200 && body.decision === 'allow') answered.push(performance.now() - started);
      else failures.set(response.status, (failures.get(response.status) ?? 0) + 1);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  const seconds = (performance.now() - started) / 1000;
  answered.sort((a, b) => a - b);
  const pct = (p) =>
    answered[Math.min(answered.length - 1, Math.floor((p / 100) * answered.length))] ?? Number.NaN;
  return { answered: answered.length, failures, rate: answered.length / seconds, p50: pct(50), p99: pct(99) };
}

async function measure(label, gateways, countDecisions) {
  await drive(gateways, WARMUP);
  const before = await countDecisions();
  const result = await drive(gateways, REQUESTS);
  const recorded = (await countDecisions()) - before;
  if (recorded !== result.answered) {
    throw new Error(`${label}: ${result.answered} decisions answered but ${recorded} recorded in the ledger`);
  }
  if (result.failures.size > 0)
    throw new Error(`${label}: non-allow answers ${JSON.stringify([...result.failures])}`);
  return { label, ...result, recorded };
}

async function withPostgres(work) {
  if (process.env.ACTPASS_BENCH_DATABASE_URL) return work(process.env.ACTPASS_BENCH_DATABASE_URL);
  const dir = await mkdtemp(path.join(tmpdir(), 'actpass-bench-pg-'));
  const env = { ...process.env, ACTPASS_PG_PORT: String(56000 + Math.floor(Math.random() * 1000)) };
  const { stdout } = await run('bash', [PG_SCRIPT, 'start', path.join(dir, 'db')], { env });
  try {
    return await work(stdout.trim());
  } finally {
    await run('bash', [PG_SCRIPT, 'stop', path.join(dir, 'db')], { env }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

async function freshDatabase(serverUrl) {
  const name = `actpass_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function fileStoreRun() {
  const dir = await mkdtemp(path.join(tmpdir(), 'actpass-bench-file-'));
  const gateway = await startGateway(['--dir', dir]);
  try {
    const ledgerFile = path.join(dir, 'ledger', `${gateway.tenant_id}.jsonl`);
    const count = async () =>
      (await readFile(ledgerFile, 'utf8').catch(() => ''))
        .split('\n')
        .filter((line) => line.includes('"type":"decision"')).length;
    return await measure('file store, 1 process', [gateway], count);
  } finally {
    await gateway.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function postgresRun(serverUrl, processes) {
  const databaseUrl = await freshDatabase(serverUrl);
  const dir = await mkdtemp(path.join(tmpdir(), 'actpass-bench-pgdir-'));
  const first = await startGateway(['--dir', dir, '--database-url', databaseUrl]);
  const others = await Promise.all(
    Array.from({ length: processes - 1 }, () => startGateway(['--dir', dir, '--database-url', databaseUrl])),
  );
  const gateways = [first, ...others];
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const count = async () => {
      const { rows } = await pool.query(
        'SELECT count(*)::int AS n FROM actpass_ledger_events WHERE tenant_id = $1 AND event LIKE \'%"type":"decision"%\'',
        [first.tenant_id],
      );
      return rows[0].n;
    };
    return await measure(`PostgreSQL, ${processes} process${processes > 1 ? 'es' : ''}`, gateways, count);
  } finally {
    await pool.end();
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

const results = [await fileStoreRun()];
await withPostgres(async (serverUrl) => {
  results.push(await postgresRun(serverUrl, 1));
  results.push(await postgresRun(serverUrl, 3));
});

const fileRate = results[0].rate;
console.log(
  `node ${process.version}, ${REQUESTS} preflights after ${WARMUP} warm-up, ${CONCURRENCY} concurrent clients`,
);
console.log('| store | preflights/s | vs file store | p50 ms | p99 ms | answered = ledger decisions |');
console.log('|---|---:|---:|---:|---:|---|');
for (const r of results) {
  console.log(
    `| ${r.label} | ${Math.round(r.rate)} | ${(r.rate / fileRate).toFixed(2)}× | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.answered} = ${r.recorded} |`,
  );
}
