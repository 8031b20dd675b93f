/**
 * `actpass dev` as a newcomer runs it: the banner, one log line per request, and the three mistakes
 * that used to be invisible (a wrong key, a wrong tenant, a base URL ending in /api/v1), made through
 * the real SDK against the spawned CLI.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { ActPass } from '@actpass/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { REFUND } from '../http/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'actpass-dev-log-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Spawned {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

function start(...args: string[]): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'dev', '--port', '0', ...args], {
    cwd: resolve(__dirname, '../..'),
    env: { ...process.env, ACTPASS_VAULT_KEY: '' },
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

/** Resolves with the first line that matches, once the process has written it. */
async function line(lines: string[], match: (line: string) => boolean): Promise<string> {
  for (;;) {
    const found = lines.find(match);
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function stop(spawned: Spawned): Promise<void> {
  spawned.child.kill('SIGTERM');
  expect(await spawned.exited).toBe(0);
}

const quiet = { warn: () => undefined };

describe('actpass dev --json --log-format json', () => {
  it('logs one line for each mistake, naming what went wrong, and never a key', async () => {
    const state = join(dir, 'json');
    const served = start('--dir', state, '--json', '--log-format', 'json');
    const ready = JSON.parse(await line(served.stdout, (text) => text.startsWith('{')));
    const mistakes = [
      new ActPass({ apiKey: `${ready.keys.agent}typo`, baseUrl: ready.url, logger: quiet }),
      new ActPass({ apiKey: ready.keys.agent, tenantId: 'globex', baseUrl: ready.url, logger: quiet }),
      // A base URL ending in /api/v1 is taken as the root by the SDK; a path it cannot know is not.
      new ActPass({ apiKey: ready.keys.agent, baseUrl: `${ready.url}/actpass`, logger: quiet }),
    ];
    for (const client of mistakes) {
      const decision = await client.preflight({ ...REFUND, args: { amount: 100 } });
      expect(decision.decision).toBe('deny');
    }
    await line(served.stderr, (text) => text.includes('request.not_found'));
    const logged = served.stderr.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(logged.map(({ status, reason, path }) => [status, reason, path])).toEqual([
      [401, 'auth.invalid_key', '/api/v1/actions/preflight'],
      [403, 'auth.tenant_mismatch', '/api/v1/actions/preflight'],
      [404, 'request.not_found', '/actpass/api/v1/actions/preflight'],
    ]);
    expect(logged[1]).toMatchObject({ key_id: 'acme_agent', tenant_id: 'acme', method: 'POST' });
    await stop(served);

    const everything = served.stderr.join('\n');
    const keys = JSON.parse(readFileSync(join(state, 'dev-keys.json'), 'utf8')) as Array<
      Record<string, string>
    >;
    const secrets = keys.flatMap(({ tenantId: _, ...roles }) => Object.values(roles));
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    for (const key of secrets) expect(everything).not.toContain(key);
  }, 30_000);
});

describe('actpass dev (text)', () => {
  it("lists every tenant's keys, ignores its state folder in git, and logs each request on stdout", async () => {
    const state = join(dir, 'text');
    const served = start('--dir', state);
    await line(served.stdout, (text) => text.startsWith('Try: export'));
    const banner = [...served.stdout];
    const keys = JSON.parse(readFileSync(join(state, 'dev-keys.json'), 'utf8')) as Array<
      Record<string, string>
    >;
    expect(keys.map((tenant) => tenant.tenantId)).toEqual(['acme', 'globex']);
    for (const tenant of keys) {
      expect(banner).toContain(`  tenant:   ${tenant.tenantId}`);
      for (const role of ['agent', 'approver', 'admin']) {
        expect(banner).toContain(`    ${`${role}:`.padEnd(10)}${tenant[role]}`);
      }
    }
    expect(readFileSync(join(state, '.gitignore'), 'utf8')).toBe('*\n');

    const listening = 'ActPass dev gateway listening on ';
    const url = banner.find((text) => text.startsWith(listening))!.slice(listening.length);
    const decision = await new ActPass({
      apiKey: keys[1]!.agent!,
      baseUrl: url,
      tenantId: 'globex',
    }).preflight({
      ...REFUND,
      args: { amount: 100, currency: 'usd' },
    });
    expect([decision.decision, decision.reason_code]).toEqual(['allow', 'refund.small_in_scope']);
    expect(await line(served.stdout, (text) => text.includes(' req_'))).toMatch(
      /^\d{4}-\d\d-\d\dT\S+Z req_[\w-]+ key=globex_agent tenant=globex POST \/api\/v1\/actions\/preflight 200 allow\/refund\.small_in_scope [\d.]+ms$/,
    );
    await stop(served);
  }, 30_000);

  it('--quiet logs nothing per request', async () => {
    const served = start('--dir', join(dir, 'quiet'), '--json', '--log-format', 'text', '--quiet');
    const ready = JSON.parse(await line(served.stdout, (text) => text.startsWith('{')));
    await fetch(`${ready.url}/healthz`);
    await stop(served);
    expect(served.stderr.filter((line) => line.includes('/healthz'))).toEqual([]);
  }, 30_000);
});

describe('actpass dev flags', () => {
  it('--host other than loopback warns that the dev keys are exposed', async () => {
    // A documentation address (TEST-NET-1) that no interface here has: the warning comes before listen.
    const served = start('--dir', join(dir, 'exposed'), '--host', '192.0.2.1');
    expect(await served.exited).toBe(2);
    expect(served.stderr.join('\n')).toMatch(/--host 192\.0\.2\.1 is not a loopback address.*dev keys/);
  }, 30_000);

  it('--log-format takes text or json', async () => {
    const err: string[] = [];
    const code = await runCli(['dev', '--log-format', 'xml'], {
      out: () => undefined,
      err: (l) => err.push(l),
    });
    expect([code, err.join('\n')]).toEqual([
      2,
      expect.stringContaining('--log-format: "xml" is not a format'),
    ]);
  });
});
