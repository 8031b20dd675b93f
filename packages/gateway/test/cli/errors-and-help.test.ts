/**
 * What the CLI says when things go wrong, and what `--help` says per command: a gateway that is down is
 * named by URL with a question whether it runs (never "HTTP undefined"), a hint is never doubled, under
 * `--json` an error is one JSON object, every command's help lists its flags with an example, and the
 * quickstart's `approvals list` works with the approver key (and says which key an admin key lacks).
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commandsWithHelp, helpFor } from '../../src/cli/help.js';
import { commandNames, runCli } from '../../src/cli/index.js';
import { USAGE } from '../../src/cli/usage.js';
import { createDevGateway, type RunningServer } from '../../src/index.js';

const run = promisify(execFile);
const CWD = resolve(__dirname, '../..');

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A loopback port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

const saved = { base: process.env.ACTPASS_BASE_URL, key: process.env.ACTPASS_API_KEY };
function useGateway(url: string, key: string) {
  process.env.ACTPASS_BASE_URL = url;
  process.env.ACTPASS_API_KEY = key;
}
afterEach(() => {
  for (const [name, value] of [
    ['ACTPASS_BASE_URL', saved.base],
    ['ACTPASS_API_KEY', saved.key],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('the gateway is down', () => {
  it('the real executable names the URL and asks whether the gateway is running', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const env = { ...process.env, ACTPASS_BASE_URL: url, ACTPASS_API_KEY: 'ak_dev_acme_approver_x' };
    const failed = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'approvals', 'list'], {
      cwd: CWD,
      env,
    }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain(`cannot reach the gateway at ${url}`);
    expect(failed?.stderr).toContain('Is the gateway running?');
    expect(failed?.stderr).not.toContain('undefined');
    expect(failed?.stderr).not.toContain('ak_dev_acme_approver_x');
    expect(failed?.stdout).toBe('');
  }, 60_000);

  it('under --json the error is one JSON object on stdout', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    useGateway(url, 'ak_dev_acme_admin_x');
    const result = await cli('ledger', 'tail', '--json');
    expect(result.code).toBe(1);
    expect(result.err).toBe('');
    const parsed = JSON.parse(result.out) as { error: Record<string, unknown> };
    expect(parsed.error).toMatchObject({ code: 'connection', command: 'ledger tail' });
    expect(parsed.error.message).toContain(`cannot reach the gateway at ${url}`);
    expect(parsed.error.hint).toContain('Is the gateway running?');
  });

  it('a usage error under --json is JSON too, with exit 2', async () => {
    const result = await cli('approvals', 'list', '--status', 'bogus', '--json');
    expect(result.code).toBe(2);
    expect(JSON.parse(result.out)).toEqual({
      error: {
        code: 'usage',
        message:
          'approvals list: --status must be one of pending, approved, denied, expired, used, not "bogus".',
      },
    });
  });
});

describe('against a served gateway', () => {
  const dev = createDevGateway();
  let running: RunningServer;
  beforeAll(async () => {
    running = await dev.gateway.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await running.close();
    await dev.gateway.close();
  });

  it('quickstart §8: approvals list answers with the approver key', async () => {
    useGateway(running.url, dev.keys.approver);
    const result = await cli('approvals', 'list');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('No pending approval requests.');
  });

  it('with the admin key, says once which role it needs', async () => {
    useGateway(running.url, dev.keys.admin);
    const result = await cli('approvals', 'list');
    expect(result.code).toBe(1);
    expect(result.err.match(/approver role/g)).toHaveLength(1);
    expect(result.err).not.toContain('HTTP undefined');
  });

  it('a wrong key: ACTPASS_API_KEY is named once, not twice', async () => {
    useGateway(running.url, 'ak_dev_acme_admin_not_a_real_key');
    const result = await cli('ledger', 'tail');
    expect(result.code).toBe(1);
    expect(result.err).toContain('auth.invalid_key');
    expect(result.err.match(/ACTPASS_API_KEY/g)).toHaveLength(1);
    expect(result.err).not.toContain('not_a_real_key');
    const json = await cli('ledger', 'tail', '--json');
    expect(JSON.parse(json.out).error).toMatchObject({ code: 'auth.invalid_key', status: 401 });
    expect(JSON.parse(json.out).error.request_id).toMatch(/\S/);
  });
});

describe('help', () => {
  it('prints the exposure entry once', async () => {
    const result = await cli('help');
    const lines = result.out.split('\n');
    const duplicated = lines.filter((line, i) => line.trim() && lines.indexOf(line) !== i);
    expect(duplicated).toEqual([]);
    expect(USAGE.match(/red\+blue mixes/g)).toHaveLength(1);
  });

  it('every command has detailed help: flags with a description, and one example', async () => {
    expect(commandsWithHelp().sort()).toEqual(commandNames().sort());
    for (const name of commandNames()) {
      const result = await cli(...name.split(' '), '--help');
      expect(result.code).toBe(0);
      expect(result.out).toMatch(/\nFlags:/);
      expect(result.out).toContain(`\nExample:\n  `);
      const example = result.out.split('Example:\n')[1]!.split('\n')[0]!;
      expect(example).toContain(`actpass ${name}`);
    }
  });

  it("lists every flag a command's usage line names", () => {
    for (const name of commandNames()) {
      const text = helpFor(name);
      const [usagePart, flagsPart = ''] = text.split('\nFlags:');
      const named = new Set(usagePart!.match(/--[a-z][a-z-]*/g) ?? []);
      named.delete('--help');
      for (const flag of named) expect([name, flagsPart.includes(flag)]).toEqual([name, true]);
    }
  });
});
