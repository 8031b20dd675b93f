/**
 * `actpass dev --webhooks FILE` as a real process: endpoints from the file deliver signed events to a
 * loopback receiver; a bad file is a usage error naming the problem, never echoing a secret.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { verifyWebhook } from '@actpass/sdk/webhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { REFUND } from '../http/helpers.js';
import { startReceiver } from '../notifications/receiver.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const dir = mkdtempSync(join(tmpdir(), 'actpass-dev-webhooks-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function start(...args: string[]) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', 'dev', '--port', '0', '--json', ...args],
    {
      cwd: resolve(__dirname, '../..'),
      env: { ...process.env, ACTPASS_VAULT_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => stdout.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  return { child, stdout, stderr, exited };
}

describe('actpass dev --webhooks', () => {
  it('delivers signed events to the endpoints in the file, with links to the console it names', async () => {
    const hooks = await startReceiver([200]);
    try {
      const file = join(dir, 'webhooks.json');
      writeFileSync(
        file,
        JSON.stringify({
          consoleUrl: 'https://actpass.example.com/console/',
          endpoints: [
            { id: 'ops', tenantId: 'acme', url: hooks.url, events: ['decision.blocked'], secret: SECRET },
          ],
        }),
      );
      const dev = start('--dir', join(dir, 'state'), '--webhooks', file);
      const ready = await new Promise<{ url: string; keys: { agent: string } }>((done, fail) => {
        const timer = setInterval(() => {
          const first = dev.stdout[0];
          if (first) {
            clearInterval(timer);
            done(JSON.parse(first));
          }
        }, 20);
        dev.exited.then((code) => fail(new Error(`dev exited ${code}: ${dev.stderr.join('\n')}`)));
      });
      const answer = await fetch(`${ready.url}/api/v1/actions/preflight`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ready.keys.agent}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...REFUND, args: { amount: 90000 } }),
      });
      expect(((await answer.json()) as { decision: string }).decision).toBe('deny');
      const [delivery] = await hooks.waitFor(1);
      const event = await verifyWebhook(delivery!.body, delivery!.headers as Record<string, string>, SECRET);
      expect(event).toMatchObject({
        type: 'decision.blocked',
        data: {
          decision: { reason_code: 'refund.large_denied' },
          console_url: 'https://actpass.example.com/console/#/decisions',
        },
      });
      dev.child.kill('SIGTERM');
      expect(await dev.exited).toBe(0);
      expect(dev.stderr.join('\n')).not.toContain(SECRET.slice(6));
    } finally {
      await hooks.close();
    }
  }, 60_000);

  it('refuses a file with a bad endpoint, naming the field, without echoing the secret', async () => {
    const file = join(dir, 'bad.json');
    const secret = 'whsec_c2hvcnRzZWNyZXQ=';
    writeFileSync(
      file,
      JSON.stringify({
        endpoints: [
          {
            id: 'x',
            tenantId: 'acme',
            url: 'http://hooks.example.com/',
            events: ['decision.blocked'],
            secret,
          },
        ],
      }),
    );
    const dev = start('--dir', join(dir, 'state-bad'), '--webhooks', file);
    const code = await dev.exited;
    const output = [...dev.stdout, ...dev.stderr].join('\n');
    expect(code).not.toBe(0);
    expect(output).toContain('webhooks[0].url');
    expect(output).not.toContain('c2hvcnRzZWNyZXQ');

    const missing = start('--dir', join(dir, 'state-missing'), '--webhooks', join(dir, 'nope.json'));
    expect(await missing.exited).toBe(2);
    expect([...missing.stdout, ...missing.stderr].join('\n')).toContain('--webhooks: cannot read');
  }, 60_000);
});
