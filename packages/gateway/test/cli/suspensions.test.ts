/**
 * `actpass suspend|resume|suspensions` and `actpass passports revoke`, each run as a real process
 * (the CLI from source through tsx) against a gateway served on loopback: what they print, what they
 * change, and how they print hostile agent ids and refuse hostile reasons.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { createGateway, type Gateway, type RunningServer } from '../../src/index.js';
import { search } from '../suspensions/fixtures.js';

const run = promisify(execFile);
const CWD = resolve(__dirname, '../..');
const ADMIN = 'ak_test_acme_admin_kill_0123456789abcdef';
const AGENT = 'ak_test_acme_agent_kill_0123456789abcdef';
let gateway: Gateway;
let server: RunningServer;

interface Result {
  code: number;
  out: string;
  err: string;
}

async function actpass(argv: string[], key = ADMIN): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...argv], {
      cwd: CWD,
      env: { ...process.env, ACTPASS_BASE_URL: server.url, ACTPASS_API_KEY: key },
    });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout, err: failed.stderr };
  }
}

async function preflight(body: object) {
  const response = await fetch(`${server.url}/api/v1/actions/preflight`, {
    method: 'POST',
    headers: { authorization: `Bearer ${AGENT}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as { decision: string; reason_code: string };
}

beforeAll(async () => {
  gateway = createGateway({
    tenants: [{ id: 'acme', policy: 'refunds' }],
    apiKeys: [
      { key: ADMIN, tenantId: 'acme', roles: ['admin'], name: 'acme_admin' },
      { key: AGENT, tenantId: 'acme', roles: ['agent'], name: 'acme_agent' },
    ],
    env: {},
    vaultKey: null,
    logger: { error: () => undefined },
  });
  server = await gateway.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await gateway.close();
});

const BIDI_ID = 'bot\u202Eevil\u0007';

describe('actpass suspend / resume / suspensions', () => {
  it('suspends, lists, and resumes an agent; the gateway refuses it in between', async () => {
    const suspended = await actpass([
      'suspend',
      'agent',
      'support_agent',
      '--reason',
      'refund loop',
      '--json',
    ]);
    expect(suspended.code).toBe(0);
    const created = JSON.parse(suspended.out);
    expect(created).toMatchObject({ scope: 'agent', match: 'support_agent', status: 'active' });
    expect((await preflight(search('support_agent'))).reason_code).toBe('suspended.agent');

    const listed = await actpass(['suspensions']);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(created.id);
    expect(listed.out).toContain('refund loop');

    const resumed = await actpass(['resume', created.id]);
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain(`${created.id}: agent "support_agent" resumed`);
    expect((await preflight(search('support_agent'))).reason_code).not.toBe('suspended.agent');
    expect((await actpass(['suspensions'])).out).toContain('No active suspensions.');
    const all = JSON.parse((await actpass(['suspensions', '--all', '--json'])).out);
    expect(all.items[0]).toMatchObject({ id: created.id, status: 'resumed' });
  }, 120_000);

  it('prints a hostile agent id escaped, never raw, in text and JSON', async () => {
    const text = await actpass(['suspend', 'agent', BIDI_ID, '--reason', 'odd id']);
    expect(text.code).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may reach the terminal
    expect(text.out).not.toMatch(/[\u202E\u0007]/);
    expect(text.out).toContain('\\u202e');
    const json = await actpass(['suspensions', '--json']);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may reach the terminal
    expect(json.out).not.toMatch(/[\u202E\u0007]/);
    const parsed = JSON.parse(json.out);
    // Escaped for the terminal, yet the same id once parsed.
    expect(parsed.items.map((item: { match: string }) => item.match)).toContain(BIDI_ID);
    const table = await actpass(['suspensions']);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may reach the terminal
    expect(table.out).not.toMatch(/[\u202E\u0007]/);
  }, 120_000);

  it('refuses a hostile or very long reason with the field named, and bad invocations as usage errors', async () => {
    const bidi = await actpass(['suspend', 'tool', 'mail.*', '--reason', 'ok\u202Eyas', '--json']);
    expect(bidi.code).toBe(1);
    expect(JSON.parse(bidi.out).error.message).toContain('body.reason');
    expect(bidi.out).not.toContain('\u202E');
    const long = await actpass(['suspend', 'tool', 'mail.*', '--reason', 'x'.repeat(5000)]);
    expect(long.code).toBe(1);
    expect(long.err).toContain('body.reason');
    expect((await actpass(['suspend', 'galaxy', 'x', '--reason', 'r'])).code).toBe(2);
    for (const argv of [
      ['suspend', 'agent', 'bot'],
      ['resume', 'not-an-id'],
      ['suspend', 'agent', 'bot', '--reason', 'r', '--until', 'soon'],
    ]) {
      const err: string[] = [];
      const code = await runCli(argv, { out: () => undefined, err: (line) => err.push(line) });
      expect([argv.join(' '), code]).toEqual([argv.join(' '), 2]);
      expect(err.join('\n')).not.toMatch(/[\u202E]/);
    }
    // An agent key cannot pull the kill switch.
    const agent = await actpass(['suspend', 'tenant', '--reason', 'mine now'], AGENT);
    expect(agent.code).toBe(1);
    expect(agent.err).toContain('admin');
  }, 120_000);

  it('answers --help with its flags and an example', async () => {
    for (const command of [['suspend'], ['resume'], ['suspensions'], ['passports', 'revoke']]) {
      const out: string[] = [];
      const code = await runCli([...command, '--help'], {
        out: (line) => out.push(line),
        err: () => undefined,
      });
      expect(code).toBe(0);
      expect(out.join('\n')).toContain(`actpass ${command.join(' ')}`);
      expect(out.join('\n')).toContain('Example:');
    }
  });
});

describe('actpass passports revoke', () => {
  it('lets an admin withdraw an agent passport; the next preflight with it is refused', async () => {
    const issued = await fetch(`${server.url}/api/v1/passports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${AGENT}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        audience: 'actpass-gateway',
        goal: 'resolve_refund_request',
        allowed_tools: ['stripe.refund.create'],
        ttl_seconds: 300,
      }),
    });
    const passport = (await issued.json()) as { jti: string; token: string };
    expect(issued.status).toBe(201);
    const revoked = await actpass([
      'passports',
      'revoke',
      passport.jti,
      '--reason',
      'task cancelled',
      '--json',
    ]);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.out)).toMatchObject({
      jti: passport.jti,
      revoked: true,
      reason: 'task cancelled',
    });
    const answer = await preflight({
      goal: 'resolve_refund_request',
      tool: 'stripe.refund.create',
      resource: 'stripe:charge:ch_1',
      args: { amount: 500, currency: 'usd' },
      passport: passport.token,
    });
    expect(answer.reason_code).toBe('passport.revoked');
    const events = [];
    for await (const event of gateway.stores.ledger.events('acme')) events.push(event);
    const sealed = events.find((event) => event.type === 'passport.revoked');
    expect(sealed?.data).toMatchObject({
      jti: passport.jti,
      reason: 'task cancelled',
      written_by: { roles: ['admin'] },
    });
    expect((await actpass(['passports', 'revoke', 'ap_nosuchpassport'])).code).toBe(1);
  }, 120_000);
});
