// Benchmarks for docs/benchmarks.md (not CI assertions): bundle size and per-call overhead.
// Run: pnpm --filter @actpass/sdk bench   (builds first under turbo; needs dist/)
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
// esbuild comes with tsup; borrowing it avoids a second copy in the lockfile.
const esbuild = createRequire(require.resolve('tsup'))('esbuild');
const pkgDir = fileURLToPath(new URL('..', import.meta.url));

async function minGzip(stdin) {
  const out = await esbuild.build({
    stdin: { contents: stdin, resolveDir: pkgDir, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'error',
  });
  const code = out.outputFiles[0].contents;
  return { min: code.length, gz: gzipSync(code, { level: 9 }).length };
}

const kb = (n) => `${(n / 1000).toFixed(1)} kB`;

async function sizes() {
  return {
    sdk: await minGzip("export * from './dist/index.js';"),
    ofetch: await minGzip("export { ofetch } from 'ofetch';"),
    zodMini: await minGzip(
      "import * as z from 'zod/mini'; export const s = z.object({ a: z.string() }); export const p = (x) => s.safeParse(x);",
    ),
  };
}

const DECISION = JSON.stringify({
  decision: 'allow',
  reason_code: 'refund.small_in_scope',
  risk_tier: 'low',
  mode: 'enforce',
  enforced: true,
  source: 'gateway',
  explain: { summary: 'Refunds up to $100.00 are allowed.', matched_rules: ['refund-small'], next_steps: [] },
  evidence_event_id: 'ev_01J9Z8Q4M5N6P7R8S9T0V1W2X3',
  action_hash: '9f2c1d0b7a6e5f4c3b2a19080706050403020100ffeeddccbbaa998877665544',
  policy: {
    id: 'refunds',
    version: 1,
    hash: '3b1f0e2d4c5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
  },
  request_id: 'req_bench',
  decided_at: '2026-11-23T18:00:00.000Z',
});

function startServer() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_bench' });
      res.end(DECISION);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function measure(call, total, concurrency) {
  const latencies = new Float64Array(total);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await call();
        latencies[i] = performance.now() - t0;
      }
    }),
  );
  const elapsed = performance.now() - started;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p99: percentile(sorted, 99), rps: total / (elapsed / 1000) };
}

async function overhead() {
  const { ActPass } = await import('../dist/index.js');
  const server = await startServer();
  const url = `http://127.0.0.1:${server.address().port}`;
  const input = {
    goal: 'resolve_refund_request',
    tool: 'stripe.refund.create',
    args: { amount: 4900, currency: 'usd' },
  };
  const client = new ActPass({ apiKey: 'k_bench', baseUrl: url, agentId: 'bench', logger: {} });
  const raw = async () => {
    const res = await fetch(`${url}/api/v1/actions/preflight`, {
      method: 'POST',
      headers: { authorization: 'Bearer k_bench', 'content-type': 'application/json' },
      body: JSON.stringify({ ...input, mode: 'enforce', agent_id: 'bench' }),
    });
    await res.json();
  };
  const sdk = async () => {
    const d = await client.preflight(input);
    if (d.decision !== 'allow') throw new Error(`unexpected ${d.reason_code}`);
  };
  const total = Number(process.env.BENCH_CALLS ?? 10_000);
  const rows = [];
  for (const [label, concurrency] of [
    ['sequential', 1],
    ['64 concurrent', 64],
  ]) {
    await measure(raw, 500, concurrency); // warm-up: JIT and keep-alive sockets
    await measure(sdk, 500, concurrency);
    const r = await measure(raw, total, concurrency);
    const s = await measure(sdk, total, concurrency);
    rows.push({ label, raw: r, sdk: s, ratio: s.median / r.median });
  }
  server.close();
  return { rows, total };
}

const size = await sizes();
const { rows, total } = await overhead();
const ms = (x) => `${x.toFixed(3)} ms`;
const lines = [
  `Node ${process.version}, ${total} calls per row, loopback node:http server answering a canned decision.`,
  '',
  '| bundle (esbuild --minify, gzip -9) | min | min+gzip |',
  '|---|---|---|',
  `| @actpass/sdk default entry (no runtime dependency) | ${kb(size.sdk.min)} | ${kb(size.sdk.gz)} |`,
  `| ofetch alone (for comparison; not a dependency) | ${kb(size.ofetch.min)} | ${kb(size.ofetch.gz)} |`,
  `| zod/mini, one object schema (for comparison) | ${kb(size.zodMini.min)} | ${kb(size.zodMini.gz)} |`,
  '',
  '| preflight | raw fetch median | SDK median | SDK/raw median | raw p99 | SDK p99 | raw calls/s | SDK calls/s |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.label} | ${ms(r.raw.median)} | ${ms(r.sdk.median)} | ${r.ratio.toFixed(3)} | ${ms(r.raw.p99)} | ${ms(r.sdk.p99)} | ${r.raw.rps.toFixed(0)} | ${r.sdk.rps.toFixed(0)} |`,
  ),
];
console.log(lines.join('\n'));
