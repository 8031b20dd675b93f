/**
 * `actpass egress check` through the real CLI process: a loopback upstream that answers is a route
 * around the proxy (exit 1), upstreams that refuse or do not resolve are clean (exit 0), and a proxy
 * that cannot be reached is a finding too. Hostile names in the config are printed escaped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'actpass-egress-'));
const servers: Server[] = [];
let openPort = 0;
let closedPort = 0;
let proxyPort = 0;

function listen(): Promise<Server> {
  return new Promise((done) => {
    const server = createServer((socket) => socket.end());
    server.listen(0, '127.0.0.1', () => done(server));
  });
}
const portOf = (server: Server) => (server.address() as { port: number }).port;

beforeAll(async () => {
  const open = await listen();
  const proxy = await listen();
  const closed = await listen();
  servers.push(open, proxy);
  openPort = portOf(open);
  proxyPort = portOf(proxy);
  closedPort = portOf(closed);
  await new Promise((done) => closed.close(done));
});
afterAll(() => {
  for (const server of servers) server.close();
  rmSync(dir, { recursive: true, force: true });
});

function restConfig(
  name: string,
  upstreams: Array<{ name: string; base_url: string }>,
  port = proxyPort,
): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      listen: { host: '127.0.0.1', port },
      upstreams: upstreams.map((u) => ({
        ...u,
        routes: [{ method: 'POST', path: '/v1/refunds', tool: 'payments.refund.create' }],
      })),
    }),
  );
  return file;
}

function egress(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'egress', 'check', ...args], {
    cwd: resolve(__dirname, '../..'),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

// Each case starts the CLI (through tsx) one or more times: generous bounds for a loaded machine.
describe('actpass egress check', { timeout: 60_000 }, () => {
  it('finds an upstream the agent can reach directly, and exits 1', () => {
    const file = restConfig('open', [
      { name: 'payments', base_url: `http://127.0.0.1:${openPort}` },
      { name: 'crm', base_url: `http://127.0.0.1:${closedPort}` },
    ]);
    const { code, out } = egress('--config', file, '--json');
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ code: 'egress.upstream_reachable', source: 'rest:payments' });
    expect(report.upstreams.find((u: { source: string }) => u.source === 'rest:crm').probe.outcome).toBe(
      'refused',
    );
    expect(report.proxy.probe.outcome).toBe('connected');
  });

  it('is clean when every upstream refuses or does not resolve and the proxy answers', () => {
    const file = restConfig('closed', [
      { name: 'payments', base_url: `http://127.0.0.1:${closedPort}` },
      { name: 'crm', base_url: 'https://crm.upstream.invalid' },
    ]);
    const { code, out } = egress('--config', file);
    expect(code).toBe(0);
    expect(out).toContain('egress check: clean');
    expect(out).toMatch(/blocked \(unresolved\)/);
    expect(out).toMatch(/blocked \(refused\)/);
  });

  it('reports a proxy that cannot be reached from here', () => {
    const file = restConfig(
      'noproxy',
      [{ name: 'payments', base_url: `http://127.0.0.1:${closedPort}` }],
      closedPort,
    );
    const { code, out } = egress('--config', file, '--json');
    expect(code).toBe(1);
    expect(JSON.parse(out).findings.map((f: { code: string }) => f.code)).toEqual([
      'egress.proxy_unreachable',
    ]);
  });

  it('checks the MCP proxy config’s HTTP servers too, and --proxy overrides the address', () => {
    const mcp = join(dir, 'mcp.json');
    writeFileSync(mcp, JSON.stringify({ servers: { docs: { url: `http://127.0.0.1:${openPort}/mcp` } } }));
    const { code, out } = egress('--mcp-config', mcp, '--proxy', `http://127.0.0.1:${proxyPort}`, '--json');
    expect(code).toBe(1);
    expect(JSON.parse(out).findings[0]).toMatchObject({
      code: 'egress.upstream_reachable',
      source: 'mcp:docs',
    });
  });

  it('exits 2 naming the problem for a bad config, a bad flag value or no config at all', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ upstreams: [{ name: 'x', base_url: 'ftp://x' }] }));
    const badConfig = egress('--config', bad);
    expect(badConfig.code).toBe(2);
    expect(badConfig.err).toMatch(/upstreams\[0\]\.base_url/);
    const hostile = egress('--config', bad, '--proxy', 'javascript:\u001b[31malert(1)');
    expect(hostile.code).toBe(2);
    expect(hostile.err).not.toContain('\u001b');
    expect(egress().code).toBe(2);
    expect(egress('--mcp-config', bad, '--timeout-ms', '5').err).toMatch(/--timeout-ms|servers/);
  });
});
