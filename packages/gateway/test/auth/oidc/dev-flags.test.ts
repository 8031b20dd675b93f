/**
 * `actpass dev --oidc-*` as a real process against the local OpenID provider: a person signs in and
 * whoami answers for their session; incomplete or insecure flags are refused before anything starts,
 * naming the flag or field, and the client secret never appears in any output.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { APPROVER_GROUP, CALLBACK_PATH, freePort, type SignInGateway, signIn } from './harness.js';
import { CLIENT_ID, CLIENT_SECRET, startProvider } from './local-provider.js';

const dir = mkdtempSync(join(tmpdir(), 'actpass-dev-oidc-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function start(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'dev', '--json', ...args], {
    cwd: resolve(__dirname, '../../..'),
    env: { ...process.env, ACTPASS_VAULT_KEY: '', ACTPASS_OIDC_CLIENT_SECRET: CLIENT_SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => stdout.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  return { child, stdout, stderr, exited };
}

describe('actpass dev --oidc-*', { timeout: 60_000 }, () => {
  it('serves people sign-in through the provider the flags name', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const redirectUri = `${url}${CALLBACK_PATH}`;
    const provider = await startProvider({
      redirectUri,
      users: { alice: { name: 'Alice', groups: [APPROVER_GROUP] } },
    });
    try {
      const dev = start([
        '--port',
        String(port),
        '--dir',
        join(dir, 'state'),
        '--oidc-issuer',
        provider.issuer,
        '--oidc-client-id',
        CLIENT_ID,
        '--oidc-redirect-uri',
        redirectUri,
        '--oidc-name',
        'Local SSO',
        '--oidc-scopes',
        'openid profile groups',
        '--oidc-approver-groups',
        `${APPROVER_GROUP}, other-approvers`,
      ]);
      const ready = await new Promise<{ url: string; tenant_id: string }>((done, fail) => {
        const timer = setInterval(() => {
          const first = dev.stdout[0];
          if (first) {
            clearInterval(timer);
            done(JSON.parse(first));
          }
        }, 20);
        dev.exited.then((code) => fail(new Error(`dev exited ${code}: ${dev.stderr.join('\n')}`)));
      });
      expect(ready.url).toBe(url);
      const providers = await fetch(`${url}/api/v1/auth/providers`);
      await expect(providers.json()).resolves.toMatchObject({ items: [{ name: 'Local SSO' }] });

      const env = { url, redirectUri, provider } as SignInGateway;
      const session = await signIn(env, 'alice');
      expect(session).toMatchObject({ tenant_id: ready.tenant_id, roles: ['approver'] });
      const who = await fetch(`${url}/api/v1/whoami`, {
        headers: { authorization: `Bearer ${session.token}` },
      });
      await expect(who.json()).resolves.toMatchObject({ key_id: session.key_id, roles: ['approver'] });
      dev.child.kill('SIGTERM');
      await dev.exited;
      expect([...dev.stdout, ...dev.stderr].join('\n')).not.toContain(CLIENT_SECRET);
    } finally {
      await provider.close();
    }
  });

  it.each([
    [
      ['--oidc-issuer', 'https://id.example.com'],
      /--oidc-client-id: sign-in needs --oidc-issuer, --oidc-client-id and --oidc-redirect-uri together/,
    ],
    [
      [
        '--oidc-issuer',
        'http://id.example.com',
        '--oidc-client-id',
        'actpass',
        '--oidc-redirect-uri',
        'http://127.0.0.1:8787/api/v1/auth/oidc/callback',
        '--oidc-approver-groups',
        'approvers',
      ],
      /config\.oidc\.issuer: must use https/,
    ],
    [
      [
        '--oidc-issuer',
        'https://id.example.com',
        '--oidc-client-id',
        'actpass',
        '--oidc-redirect-uri',
        'https://actpass.example.com/api/v1/auth/oidc/callback',
      ],
      /config\.oidc\.roles: grants no role/,
    ],
  ])('refuses %j before serving', async (args, message) => {
    const dev = start(['--port', '0', '--dir', join(dir, `refused-${Math.random()}`), ...args]);
    const code = await dev.exited;
    expect(code).not.toBe(0);
    const output = [...dev.stdout, ...dev.stderr].join('\n');
    expect(output).toMatch(message);
    expect(output).not.toContain(CLIENT_SECRET);
  });
});
