/**
 * HTTP benchmark: the served gateway (`actpass dev`, file ledger) over loopback with keep-alive.
 * Measures preflights/s from N concurrent clients, then checks that the ledger holds exactly one
 * decision event per decision answered. Target: >= 3000 preflights/s on a 2-core machine.
 *
 * Run: pnpm --filter @actpass/gateway build && node bench/http.bench.mjs
 * Env: ACTPASS_BENCH_SECONDS (default 5 per row), ACTPASS_BENCH_CONCURRENCY (default "1,16,64"),
 *      ACTPASS_BENCH_LEDGER=memory to also measure the same gateway with the in-memory stores (what the
 *      HTTP layer, policy and hashing cost without the disk).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SECONDS = Number(process.env.ACTPASS_BENCH_SECONDS ?? 5);
const CONCURRENCY = (process.env.ACTPASS_BENCH_CONCURRENCY ?? '1,16,64').split(',').map(Number);
const TARGET_PER_SECOND = 3000;
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

function send(agent, url, method, path, key, payload) {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, {
      method,
      agent,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    });
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function run(url, key, concurrency) {
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
        const response = await send(agent, url, 'POST', '/api/v1/actions/preflight', key, body);
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
  return { concurrency, answered, failed, perSecond: answered / elapsed, p50: pct(0.5), p99: pct(0.99) };
}

async function measure(ledger) {
  const dir = mkdtempSync(join(tmpdir(), 'actpass-bench-'));
  const { child, ready } = await startGateway(dir, ledger);
  const admin = new Agent({ keepAlive: true });
  const countEvents = async () =>
    JSON.parse((await send(admin, ready.url, 'GET', '/api/v1/evidence/verify', ready.keys.admin)).body);
  try {
    const rows = [];
    let answeredTotal = 0;
    const before = await countEvents();
    for (const concurrency of CONCURRENCY) {
      const row = await run(ready.url, ready.keys.agent, concurrency);
      answeredTotal += row.answered;
      rows.push(row);
    }
    const after = await countEvents();
    const recorded = after.count - before.count;

    const what = ledger === 'file' ? 'FILE ledger (fdatasync per event)' : 'MEMORY stores';
    console.log(`\nHTTP preflight, served gateway, ${what}, keep-alive, ${SECONDS}s per row`);
    console.table(
      rows.map((row) => ({
        clients: row.concurrency,
        decisions: row.answered,
        errors: row.failed,
        'preflights/s': Math.round(row.perSecond),
        'p50 ms': row.p50.toFixed(2),
        'p99 ms': row.p99.toFixed(2),
      })),
    );
    const best = Math.max(...rows.map((row) => row.perSecond));
    console.log(
      `decisions answered: ${answeredTotal}; ledger events appended: ${recorded}; chain ok: ${after.ok}`,
    );
    console.log(
      `best: ${Math.round(best)} preflights/s (target >= ${TARGET_PER_SECOND}/s with the file ledger)`,
    );
    if (recorded !== answeredTotal || !after.ok) {
      console.error('FAIL: the ledger does not hold exactly one event per decision answered');
      process.exitCode = 1;
    }
  } finally {
    admin.destroy();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

await measure('file');
if (process.env.ACTPASS_BENCH_LEDGER === 'memory') await measure('memory');
