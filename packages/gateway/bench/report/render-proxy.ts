/** The proxies' table: direct, bare preflight and proxied, and the added latency as a ratio (pure). */
import { table } from './markdown.js';
import { addedRatio } from './proxy.js';
import { isSkipped, type ReportResults } from './results.js';

const ms = (value: number) => `${value.toFixed(2)} ms`;

export function proxySection(results: ReportResults): string[] {
  const p = results.proxy;
  if (p === undefined) return [];
  if (isSkipped(p)) return [`**Enforcing proxies**: skipped — ${p.skipped}.`, ''];
  const rows = p.rest.map((row) => [
    `REST, ${row.ledger} ledger`,
    `${ms(row.direct.p50)} / ${ms(row.direct.p99)}`,
    `${ms(row.preflight.p50)} / ${ms(row.preflight.p99)}`,
    `${ms(row.proxied.p50)} / ${ms(row.proxied.p99)}`,
    `${addedRatio(row, 'p50').toFixed(2)}×`,
    `${addedRatio(row, 'p99').toFixed(2)}×`,
  ]);
  if (p.mcp) {
    rows.push([
      'MCP `tools/call` in one Streamable HTTP session (server-everything `echo`; direct over stdio), memory ledger',
      `${ms(p.mcp.direct.p50)} / ${ms(p.mcp.direct.p99)}`,
      `${ms(p.mcp.preflight.p50)} / ${ms(p.mcp.preflight.p99)}`,
      `${ms(p.mcp.proxied.p50)} / ${ms(p.mcp.proxied.p99)}`,
      `${addedRatio(p.mcp, 'p50').toFixed(2)}×`,
      `${addedRatio(p.mcp, 'p99').toFixed(2)}×`,
    ]);
  }
  return [
    `**Enforcing proxies** (\`bench/proxy.bench.ts\`: upstream, served gateway, proxy and client in one process on loopback keep-alive; ${p.calls} sequential calls per REST row, ${Math.ceil(p.calls / 3)} per MCP row, after a warm-up; rows one after the other, not interleaved):`,
    '',
    table(
      [
        'path',
        'direct p50 / p99',
        'bare served preflight p50 / p99',
        'through the proxy p50 / p99',
        'added p50 ÷ preflight p50 (target ≤ 1.5)',
        'added p99 ÷ preflight p99 (target ≤ 2)',
      ],
      rows,
      ['left', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
  ];
}
