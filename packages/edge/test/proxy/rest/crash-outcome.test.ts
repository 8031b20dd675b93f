/**
 * A proxy process killed between forwarding an allowed call and recording its outcome. The decision is
 * durable before the proxy forwards, and the outcome is recorded after the upstream answers, so what
 * the ledger must show is exactly that: the decision event for the call, and no `action.outcome`
 * naming it — an action decided and possibly run whose result nobody recorded, never one that looks
 * finished. (The outcome is not recorded later by anyone: the proxy keeps no outbox across a crash.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Gateway } from '@actpass/gateway';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KEYS, proxyConfig, SECRET, startUpstream, testGateway, type Upstream } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'actpass-proxy-crash-'));
let gateway: Gateway;
let upstream: Upstream;
let child: ChildProcess;
let proxyUrl = '';

beforeAll(async () => {
  // The upstream receives the call, then the proxy dies before the answer reaches it.
  upstream = await startUpstream(() => {
    child.kill('SIGKILL');
    return true; // never answered
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
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  proxyUrl = await new Promise<string>((done, fail) => {
    child.once('exit', (code) => fail(new Error(`proxy exited ${code} before it listened`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) =>
      done((JSON.parse(line) as { url: string }).url),
    );
  });
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await gateway?.close();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Event {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

it('leaves the decision in the ledger and no outcome for it: the call reads as unresolved', async () => {
  const exited = new Promise((done) => child.once('exit', (_code, signal) => done(signal)));
  const answer = await fetch(`${proxyUrl}/payments/charges/ch_1/refunds`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.agent}`, 'content-type': 'application/json' },
    body: JSON.stringify({ amount: 100, currency: 'usd' }),
  }).then(
    (response) => response.status,
    () => 'no answer',
  );
  expect(answer).toBe('no answer');
  expect(await exited).toBe('SIGKILL');
  expect(upstream.seen).toHaveLength(1);

  const listed = await gateway.fetch(
    new Request('http://gw/api/v1/evidence?limit=100', {
      headers: { authorization: `Bearer ${KEYS.admin}` },
    }),
  );
  const { events } = (await listed.json()) as { events: Event[] };
  const decisions = events.filter(
    (event) =>
      event.type === 'decision' && (event.data.action as { tool?: string }).tool === 'stripe.refund.create',
  );
  expect(decisions).toHaveLength(1);
  expect(decisions[0]?.data.decision).toBe('allow');
  const outcomes = events.filter(
    (event) => event.type === 'action.outcome' && event.data.decision_event_id === decisions[0]?.id,
  );
  expect(outcomes).toEqual([]);
}, 60_000);
