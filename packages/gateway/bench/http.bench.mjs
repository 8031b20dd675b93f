/**
 * HTTP benchmark: the served gateway (`actpass dev`, file ledger) over loopback with keep-alive.
 * Measures preflights/s from N concurrent clients in two shapes, interleaved in rounds within one run:
 *   unkeyed  no Idempotency-Key header;
 *   keyed    a fresh `Idempotency-Key: idem_<uuid>` per request, exactly what both SDKs send on every call.
 * Each (clients, round) runs both shapes back to back, alternating which goes first, so drift on a
 * shared machine hits both alike; the table shows the median and the min–max spread over the rounds.
 * Afterwards it checks that the ledger holds exactly one decision event per decision answered.
 * Targets: >= 3000 preflights/s on a 2-core machine; keyed >= 0.9x unkeyed.
 *
 * Run: pnpm --filter @actpass/gateway build && node bench/http.bench.mjs [--json]
 * With ACTPASS_DATABASE_URL set the served gateway keeps every store in that database instead.
 * Env: ACTPASS_BENCH_SECONDS (default 3 per slot), ACTPASS_BENCH_ROUNDS (default 3),
 *      ACTPASS_BENCH_CONCURRENCY (default "16,64"), ACTPASS_BENCH_LEDGER=memory to also measure the
 *      in-memory stores. `--json` prints one JSON line of results last (bench/report.mjs reads it).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SECONDS = Number(process.env.ACTPASS_BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.ACTPASS_BENCH_ROUNDS ?? 3);
const CONCURRENCY = (process.env.ACTPASS_BENCH_CONCURRENCY ?? '16,64').split(',').map(Number);
const JSON_OUT = process.argv.includes('--json');
const TARGET_PER_SECOND = 3000;
const TARGET_KEYED_RATIO = 0.9;
const SHAPES = ['unkeyed', 'keyed'];
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dist = new URL('../dist/index.js', import.meta.url).href;
/** A served dev gateway on the in-memory stores, printing the same ready line as `actpass dev --json`. */
const memoryGateway = `
  const { createDevGateway } = await import(${JSON.stringify(dist)});
  const { gateway, keys } = createDevGateway();
  const running = await gateway.listen({ host: '127.0.0.1', port: 0 });
  console.log(JSON.stringify({ ready: true, url: running.url, tenant_id: keys.tenantId,
    keys: { agent: keys.agent, approver: keys.approver, admin: keys.admin } }));
  process.once('SIGTERM', () => gateway.close().then(() => process.exit(0)));`;
const body = JSON.stringify({
  goal: 'resolve_refund_request',
  tool: 'stripe.refund.create',
  resource: 'stripe:charge:ch_bench',
  args: { amount: 4900, currency: 'usd' },
  agent_id: 'bench_agent',
});

function startGateway(dir, ledger) {
  // The gateway runs in its own process, as `actpass dev` does, so clients and server do not share a core.
  const args =
    ledger === 'file'
      ? [cli, 'dev', '--port', '0', '--dir', dir, '--json']
      : ['--input-type=module', '-e', memoryGateway];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ACTPASS_VAULT_KEY: '' },
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) =>
      resolve({ child, ready: JSON.parse(line) }),
    );
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}; run the build first`)));
  });
}

function send(agent, url, method, path, key, payload, idempotencyKey) {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  // As the SDKs do (packages/sdk/src/internal/idempotency.ts): one fresh key per logical call.
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, agent, headers });
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function run(url, key, concurrency, shape) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  let answered = 0;
  let failed = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const idempotencyKey = shape === 'keyed' ? `idem_${randomUUID()}` : undefined;
        const response = await send(
          agent,
          url,
          'POST',
          '/api/v1/actions/preflight',
          key,
          body,
          idempotencyKey,
        );
        latencies.push(performance.now() - t0);
        if (response.status === 200 && JSON.parse(response.body).decision === 'allow') answered += 1;
        else failed += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return { answered, failed, perSecond: answered / elapsed, p50: pct(0.5), p99: pct(0.99) };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function measure(ledger) {
  const dir = mkdtempSync(join(tmpdir(), 'actpass-bench-'));
  const { child, ready } = await startGateway(dir, ledger);
  const admin = new Agent({ keepAlive: true });
  const countEvents = async () =>
    JSON.parse((await send(admin, ready.url, 'GET', '/api/v1/evidence/verify', ready.keys.admin)).body);
  try {
    const rows = [];
    let answeredTotal = 0;
    let errors = 0;
    const before = await countEvents();
    for (const concurrency of CONCURRENCY) {
      const samples = { unkeyed: [], keyed: [] };
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? SHAPES : [...SHAPES].reverse();
        for (const shape of order) {
          const sample = await run(ready.url, ready.keys.agent, concurrency, shape);
          answeredTotal += sample.answered;
          errors += sample.failed;
          samples[shape].push(sample);
        }
      }
      const summary = (shape) => {
        const rates = samples[shape].map((sample) => sample.perSecond);
        return {
          median: median(rates),
          min: Math.min(...rates),
          max: Math.max(...rates),
          p50: median(samples[shape].map((sample) => sample.p50)),
          p99: median(samples[shape].map((sample) => sample.p99)),
        };
      };
      const unkeyed = summary('unkeyed');
      const keyed = summary('keyed');
      // Per-round ratios (each pair ran back to back) say more than a ratio of medians on a busy machine.
      const ratios = samples.keyed.map((sample, i) => sample.perSecond / samples.unkeyed[i].perSecond);
      rows.push({
        concurrency,
        unkeyed,
        keyed,
        ratio: median(ratios),
        ratioMin: Math.min(...ratios),
        ratioMax: Math.max(...ratios),
      });
    }
    const after = await countEvents();
    const recorded = after.count - before.count;

    const what =
      ledger === 'memory'
        ? 'MEMORY stores'
        : process.env.ACTPASS_DATABASE_URL
          ? 'POSTGRESQL stores (ACTPASS_DATABASE_URL)'
          : 'FILE stores (fdatasync per batch)';
    const fmt = (n) => Math.round(n).toLocaleString('en-US');
    console.log(
      `\nHTTP preflight, served gateway, ${what}, keep-alive, ${ROUNDS} rounds x ${SECONDS}s per shape`,
    );
    console.table(
      rows.map((row) => ({
        clients: row.concurrency,
        'unkeyed /s (median, min-max)': `${fmt(row.unkeyed.median)} (${fmt(row.unkeyed.min)}-${fmt(row.unkeyed.max)})`,
        'keyed /s (median, min-max)': `${fmt(row.keyed.median)} (${fmt(row.keyed.min)}-${fmt(row.keyed.max)})`,
        'keyed/unkeyed': `${row.ratio.toFixed(2)} (${row.ratioMin.toFixed(2)}-${row.ratioMax.toFixed(2)})`,
        'p50 ms un/keyed': `${row.unkeyed.p50.toFixed(1)} / ${row.keyed.p50.toFixed(1)}`,
        'p99 ms un/keyed': `${row.unkeyed.p99.toFixed(1)} / ${row.keyed.p99.toFixed(1)}`,
      })),
    );
    console.log(
      `decisions answered: ${answeredTotal}; errors: ${errors}; ledger events appended: ${recorded}; chain ok: ${after.ok}`,
    );
    const worst = Math.min(...rows.map((row) => row.ratio));
    console.log(
      `keyed/unkeyed (median per clients, worst): ${worst.toFixed(2)} (target >= ${TARGET_KEYED_RATIO}); best unkeyed ${fmt(Math.max(...rows.map((row) => row.unkeyed.median)))}/s (target >= ${TARGET_PER_SECOND}/s)`,
    );
    if (recorded !== answeredTotal || !after.ok || errors > 0) {
      console.error('FAIL: errors, or the ledger does not hold exactly one event per decision answered');
      process.exitCode = 1;
    }
    return {
      ledger,
      seconds: SECONDS,
      rounds: ROUNDS,
      rows,
      answered: answeredTotal,
      recorded,
      chainOk: after.ok,
    };
  } finally {
    admin.destroy();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [await measure('file')];
if (process.env.ACTPASS_BENCH_LEDGER === 'memory') results.push(await measure('memory'));
if (JSON_OUT) console.log(JSON.stringify({ http: results }));
