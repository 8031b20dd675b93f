/**
 * A real Prometheus (Debian's package) scrapes `actpass dev --metrics-port` and answers a query with
 * the gateway's series: the exposition is what Prometheus itself parses, not only what we think it
 * should look like.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

const PROMETHEUS = [process.env.ACTPASS_PROMETHEUS, '/usr/bin/prometheus'].find(
  (path): path is string => !!path && existsSync(path),
);

function available(): boolean {
  if (PROMETHEUS) return true;
  const message =
    'metrics scrape test: no Prometheus (/usr/bin/prometheus); run `bash scripts/prometheus.sh`.';
  if (process.env.CI === 'true') throw new Error(`${message} CI must run this test.`);
  console.warn(`SKIPPED ${message}`);
  return false;
}

const dir = mkdtempSync(join(tmpdir(), 'actpass-prometheus-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

describe.skipIf(!available())('Prometheus scrape', () => {
  it('scrapes a served gateway and answers a query for its decisions', { timeout: 120_000 }, async () => {
    const gateway = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli.ts',
        'dev',
        '--port',
        '0',
        '--metrics-port',
        '0',
        '--dir',
        join(dir, 'state'),
        '--json',
      ],
      { cwd: join(__dirname, '../..'), stdio: ['ignore', 'pipe', 'ignore'] },
    );
    children.push(gateway);
    const ready = await new Promise<{ url: string; metrics_url: string; keys: { agent: string } }>((done) =>
      createInterface({ input: gateway.stdout! }).once('line', (line) => done(JSON.parse(line))),
    );
    for (let i = 0; i < 3; i++) {
      const response = await fetch(new URL('/api/v1/actions/preflight', ready.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${ready.keys.agent}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          goal: 'resolve_refund_request',
          tool: 'stripe.refund.create',
          args: { amount: 4900, currency: 'usd' },
        }),
      });
      expect(response.status).toBe(200);
    }
    const target = new URL(ready.metrics_url);
    const promPort = await freePort();
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: actpass\n    static_configs: [{ targets: ['${target.host}'] }]\n`,
    );
    const prometheus = spawn(
      PROMETHEUS as string,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: 'ignore' },
    );
    children.push(prometheus);
    const query = `http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent('sum by (decision, tool) (actpass_decisions_total)')}`;
    let result: Array<{ metric: Record<string, string>; value: [number, string] }> = [];
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      try {
        const body = (await (await fetch(query)).json()) as { data?: { result?: typeof result } };
        result = body.data?.result ?? [];
        if (result.length > 0) break;
      } catch {
        // Prometheus is still starting.
      }
      await new Promise((done) => setTimeout(done, 500));
    }
    expect(result).toEqual([
      { metric: { decision: 'allow', tool: 'stripe' }, value: [expect.any(Number), '3'] },
    ]);
    const up = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=up`)).json()) as {
      data: { result: Array<{ value: [number, string] }> };
    };
    expect(up.data.result[0]?.value[1]).toBe('1');
  });
});
