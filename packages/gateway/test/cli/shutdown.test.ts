/**
 * Graceful shutdown as a container runtime does it: SIGTERM to `actpass dev` while a decision is in
 * flight (its request body half sent). The process stops accepting new connections, still answers the
 * one in flight with a real decision, and exits 0 — nothing acknowledged is cut off.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'actpass-shutdown-'));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function exited(process: ChildProcess): Promise<number | null> {
  return new Promise((done) => process.once('exit', (code) => done(code)));
}

it('answers the decision in flight at SIGTERM, refuses new connections, and exits 0', {
  timeout: 30_000,
}, async () => {
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', 'dev', '--port', '0', '--dir', dir, '--json'],
    {
      cwd: join(__dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const ready = await new Promise<{ url: string; keys: { agent: string } }>((done, fail) => {
    const lines = createInterface({ input: child!.stdout! });
    let stderr = '';
    child!.stderr!.on('data', (chunk) => {
      stderr += chunk;
    });
    lines.once('line', (line) => done(JSON.parse(line)));
    child!.once('exit', (code) =>
      fail(new Error(`actpass dev exited ${code} before it was ready: ${stderr.slice(-2000)}`)),
    );
  });
  const url = new URL('/api/v1/actions/preflight', ready.url);
  const body = JSON.stringify({
    goal: 'resolve_refund_request',
    tool: 'stripe.refund.create',
    args: { amount: 4900, currency: 'usd' },
  });
  const answer = new Promise<{ status: number; body: string }>((done, fail) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${ready.keys.agent}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', fail);
    // Half the body now: the request is in flight when the signal arrives.
    req.write(body.slice(0, 20));
    setTimeout(() => {
      child!.kill('SIGTERM');
      setTimeout(() => req.end(body.slice(20)), 300);
    }, 200);
  });
  const exit = exited(child);
  const { status, body: text } = await answer;
  expect(status).toBe(200);
  expect(JSON.parse(text)).toMatchObject({ decision: 'allow', reason_code: expect.any(String) });
  // After the signal nothing new is accepted.
  await expect(fetch(new URL('/healthz', ready.url))).rejects.toThrow();
  expect(await exit).toBe(0);
});
