import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDevGateway, type RunningServer } from '../../src/index.js';
import { type Caller, caller, refund } from '../http/helpers.js';

const PREFLIGHT = '/api/v1/actions/preflight';
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function served(dir: string): Promise<{
  call: Caller;
  running: RunningServer;
  keys: ReturnType<typeof createDevGateway>['keys'];
  close(): Promise<void>;
}> {
  const dev = createDevGateway({ dir, env: {}, logger: { error: () => undefined } });
  const running = await dev.gateway.listen({ host: '127.0.0.1', port: 0 });
  return { call: caller(fetch, running.url), running, keys: dev.keys, close: () => dev.gateway.close() };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'actpass-e2e-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('served over node:http with file stores', () => {
  it('runs the whole approval flow over the network', async () => {
    const server = await served(tempDir());
    cleanups.push(() => server.close());
    const { call, keys } = server;

    expect((await call('POST', PREFLIGHT, { key: keys.agent, body: refund(100) })).body.decision).toBe(
      'allow',
    );
    expect((await call('POST', PREFLIGHT, { key: keys.agent, body: refund(60000) })).body.decision).toBe(
      'deny',
    );
    const held = await call('POST', PREFLIGHT, { key: keys.agent, body: refund(25000) });
    const id = held.body.approval_request_id;
    await call('POST', `/api/v1/approvals/${id}/approve`, {
      key: keys.approver,
      headers: { 'idempotency-key': 'approve-1' },
    });
    const replay = await call('POST', `/api/v1/approvals/${id}/approve`, {
      key: keys.approver,
      headers: { 'idempotency-key': 'approve-1' },
    });
    expect(replay.status).toBe(200);
    const first = await call('POST', PREFLIGHT, {
      key: keys.agent,
      body: refund(25000, { approval_request_id: id }),
    });
    const second = await call('POST', PREFLIGHT, {
      key: keys.agent,
      body: refund(25000, { approval_request_id: id }),
    });
    expect([first.body.decision, second.body.decision]).toEqual(['allow', 'deny']);

    const verified = await call('GET', '/api/v1/evidence/verify', { key: keys.admin });
    expect(verified.body.ok).toBe(true);
    const page = await call('GET', '/api/v1/evidence?after_seq=0&limit=1000', { key: keys.admin });
    const types = page.body.events.map((event: { type: string }) => event.type);
    expect(types.filter((type: string) => type === 'approval.approved')).toHaveLength(1);
  });

  it('keeps passports single use under 50 concurrent requests over the network', async () => {
    const server = await served(tempDir());
    cleanups.push(() => server.close());
    const { call, keys } = server;
    const { body } = await call('POST', '/api/v1/passports', {
      key: keys.agent,
      body: { audience: 'a', goal: 'resolve_refund_request', allowed_tools: ['stripe.refund.create'] },
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        call('POST', PREFLIGHT, { key: keys.agent, body: refund(100, { passport: body.token }) }),
      ),
    );
    expect(results.filter((result) => result.body.decision === 'allow')).toHaveLength(1);
  });

  it('refuses an oversized body and closes the connection', async () => {
    const server = await served(tempDir());
    cleanups.push(() => server.close());
    const payload = JSON.stringify({ goal: 'x'.repeat(2 * 1024 * 1024), tool: 't' });
    const response = await new Promise<{ status: number; connection: string | undefined; body: string }>(
      (resolve, reject) => {
        const req = httpRequest(`${server.running.url}${PREFLIGHT}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.keys.agent}`, 'content-type': 'application/json' },
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (chunk) => {
            body += chunk;
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }),
          );
        });
        req.on('error', reject);
        req.end(payload);
      },
    );
    expect(response.status).toBe(400);
    expect(response.connection).toBe('close');
    expect(JSON.parse(response.body).error.message).toMatch(/^body: exceeds/);
  });

  it('survives a restart: keys, keyset, ledger, approvals and spent passports persist', async () => {
    const dir = tempDir();
    const before = await served(dir);
    const { body: issued } = await before.call('POST', '/api/v1/passports', {
      key: before.keys.agent,
      body: { audience: 'a', goal: 'resolve_refund_request', allowed_tools: ['stripe.refund.create'] },
    });
    await before.call('POST', PREFLIGHT, {
      key: before.keys.agent,
      body: refund(100, { passport: issued.token }),
    });
    const held = await before.call('POST', PREFLIGHT, { key: before.keys.agent, body: refund(25000) });
    const jwks = (await before.call('GET', '/.well-known/jwks.json')).body;
    await before.close();

    const after = await served(dir);
    cleanups.push(() => after.close());
    expect(after.keys).toEqual(before.keys);
    expect((await after.call('GET', '/.well-known/jwks.json')).body).toEqual(jwks);
    const replayed = await after.call('POST', PREFLIGHT, {
      key: after.keys.agent,
      body: refund(100, { passport: issued.token }),
    });
    expect(replayed.body.reason_code).toBe('passport.replayed');
    const approval = await after.call('GET', `/api/v1/approvals/${held.body.approval_request_id}`, {
      key: after.keys.approver,
    });
    expect(approval.body.status).toBe('pending');
    const verified = await after.call('GET', '/api/v1/evidence/verify', { key: after.keys.admin });
    expect(verified.body).toMatchObject({ ok: true });
    const policyEvents = (
      await after.call('GET', '/api/v1/evidence', { key: after.keys.admin })
    ).body.events.filter((event: { type: string }) => event.type === 'policy.updated');
    expect(policyEvents).toHaveLength(1);
  });
});
