/**
 * The enforcing proxies: what a proxied call adds to a direct call to the same upstream, beside a bare
 * served preflight to the same gateway (the yardstick: a proxy cannot cost less than asking once).
 * Runs `bench/proxy.bench.ts --json` (REST on a memory and a file ledger, MCP `tools/call` through the
 * Streamable HTTP proxy, every call in the one session the client opened, its tool listing reused) and
 * reads its last line. The MCP proxy comes from @actpass/edge's build: build it first.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BENCH_DIR, GATEWAY_DIR, lastJsonLine, lastLine } from './paths.js';

export interface ProxyRow {
  label: string;
  p50: number;
  p99: number;
  rps: number;
}

export interface ProxyResult {
  calls: number;
  rest: Array<{ ledger: 'memory' | 'file'; direct: ProxyRow; preflight: ProxyRow; proxied: ProxyRow }>;
  mcp?: { direct: ProxyRow; proxied: ProxyRow; preflight: ProxyRow };
}

/** Added latency ÷ the bare preflight's, at one percentile. */
export function addedRatio(
  row: { direct: ProxyRow; preflight: ProxyRow; proxied: ProxyRow },
  at: 'p50' | 'p99',
): number {
  return (row.proxied[at] - row.direct[at]) / row.preflight[at];
}

export function measureProxy(calls: number): ProxyResult | { skipped: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'proxy.bench.ts'), '--json'], {
    encoding: 'utf8',
    cwd: GATEWAY_DIR,
    env: { ...process.env, PROXY_BENCH_N: String(calls), PROXY_BENCH_MCP_N: String(Math.ceil(calls / 3)) },
  });
  const out = run.status === 0 ? lastJsonLine<Omit<ProxyResult, 'calls'>>(run.stdout) : undefined;
  return out ? { calls, ...out } : { skipped: `proxy.bench.ts failed: ${lastLine(run.stderr)}` };
}
