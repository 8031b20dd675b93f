/**
 * `actpass proxy` (here as `actpass-edge proxy`, the same command) as a child process in front of a
 * served gateway and a real loopback upstream that honours method overrides and answers gzip: the
 * hostile requests of the other suites, through the process an operator runs, with its JSON log lines
 * on stderr.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import type { Gateway } from '@actpass/gateway';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KEYS, proxyConfig, SECRET, startUpstream, testGateway, type Upstream } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'actpass-proxy-cli-'));
let gateway: Gateway;
let upstream: Upstream;
let child: ChildProcess;
let proxyUrl = '';
const stderr: string[] = [];

beforeAll(async () => {
  upstream = await startUpstream((entry, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(gzipSync(JSON.stringify({ echo: entry })));
    return true;
  });
  gateway = testGateway(join(dir, 'state'));
  const put = await gateway.fetch(
    new Request('http://gw/api/v1/credentials/stripe_key', {
      method: 'PUT',
      headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ value: SECRET, bound_tools: ['stripe.refund.create'], delivery: 'proxy' }),
    }),
  );
  expect(put.status).toBe(200);
  const served = await gateway.listen({ port: 0 });
  const config = join(dir, 'proxy.json');
  writeFileSync(config, JSON.stringify({ ...proxyConfig(upstream.url), gateway: { base_url: served.url } }));
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main.ts', 'proxy', '--config', config, '--port', '0', '--json'],
    {
      cwd: resolve(__dirname, '../../..'),
      env: { ...process.env, ACTPASS_PROXY_KEY: KEYS.proxy },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => stderr.push(line));
  proxyUrl = await new Promise<string>((done, fail) => {
    child.once('exit', (code) => fail(new Error(`proxy exited ${code}: ${stderr.join('\n')}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) =>
      done((JSON.parse(line) as { url: string }).url),
    );
  });
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
  await gateway?.close();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(path: string, headers: Record<string, string> = {}, key: string | null = KEYS.agent) {
  const response = await fetch(`${proxyUrl}${path}`, {
    method: 'POST',
    headers: {
      ...(key !== null ? { authorization: `Bearer ${key}` } : {}),
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify({ amount: 100, currency: 'usd' }),
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) };
}

it('refuses overrides, agent goals, unmapped fields and unauthenticated probes; decodes gzip before redaction', async () => {
  const route = '/payments/charges/ch_1/refunds';
  const override = await call(route, { 'x-http-method-override': 'DELETE' });
  expect(override.json.error.code).toBe('proxy.override_refused');
  const goal = await call(route, { 'x-actpass-goal': 'anything' });
  expect(goal.json.error.code).toBe('proxy.header_refused');
  const unmapped = await call(`${route}?admin=true`);
  expect(unmapped.json.error.code).toBe('proxy.unmapped_field');
  expect(unmapped.json.error.message).toContain('query.admin');
  for (const path of ['/internal-admin/x', route]) {
    const probe = await call(path, {}, null);
    expect(probe.status).toBe(401);
  }
  expect(upstream.seen).toHaveLength(0);

  const allowed = await call(route);
  expect(allowed.status).toBe(200);
  expect(allowed.text).not.toContain(SECRET);
  expect(allowed.json.echo.headers.authorization).toBe('Bearer [redacted by actpass]');
  expect(upstream.seen).toHaveLength(1);
  expect(upstream.seen[0]?.headers['x-http-method-override']).toBeUndefined();

  // The process's log: one JSON warn line per refusal, naming its code; never the secret.
  await expect.poll(() => stderr.filter((line) => line.includes('"level":"warn"')).length).toBe(5);
  const codes = stderr
    .map((line) => JSON.parse(line) as { level: string; code?: string })
    .filter((line) => line.level === 'warn')
    .map((line) => line.code);
  expect(codes).toEqual([
    'proxy.override_refused',
    'proxy.header_refused',
    'proxy.unmapped_field',
    'auth.missing_key',
    'auth.missing_key',
  ]);
  expect(stderr.join('\n')).not.toContain(SECRET);
}, 60_000);
