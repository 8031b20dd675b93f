import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { packSource } from '../../src/index.js';
import { refund, testGateway } from '../http/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'actpass-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('usage errors exit 2 and name the problem', () => {
  it('unknown commands, flags and files', async () => {
    expect((await cli('deploy')).code).toBe(2);
    const group = await cli('policy', 'lint');
    expect([group.code, group.err]).toEqual([2, expect.stringContaining('actpass policy check')]);
    const flag = await cli('policy', 'check', 'x.json', '--strict');
    expect([flag.code, flag.err]).toEqual([2, expect.stringContaining("'--strict'")]);
    const missing = await cli('policy', 'check', join(dir, 'nope.json'));
    expect([missing.code, missing.err]).toEqual([
      2,
      expect.stringMatching(/nope\.json: no such file; check the path/),
    ]);
    const broken = await cli('policy', 'check', file('broken.json', '{"id": '));
    expect([broken.code, broken.err]).toEqual([2, expect.stringMatching(/broken\.json is not valid JSON/)]);
    const noJwks = await cli('ledger', 'verify', file('e.json', {}));
    expect([noJwks.code, noJwks.err]).toEqual([2, expect.stringContaining('--jwks FILE is required')]);
    expect((await cli('dev', '--port', 'eighty')).err).toContain('--port: "eighty" is not a port');
    expect((await cli('help')).code).toBe(0);
  });
});

describe('policy check / policy test', () => {
  it('accepts a pack, reports every problem and every shadowed rule', async () => {
    expect((await cli('policy', 'check', file('refunds.json', packSource('refunds')))).code).toBe(0);
    const bad = await cli(
      'policy',
      'check',
      file('bad.json', {
        id: 'p',
        version: 1,
        rules: [
          {
            id: 'r',
            when: [{ path: 'nowhere', operator: '~=', value: 1 }],
            decision: 'allow',
            reason: 'a.b',
          },
        ],
      }),
    );
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('rules[0].when[0].path (rule r)');
    expect(bad.out).toContain('rules[0].when[0].operator (rule r)');
    const shadowed = await cli(
      'policy',
      'check',
      file('shadow.json', {
        id: 'p',
        version: 1,
        rules: [
          { id: 'all', decision: 'deny', reason: 'a.b' },
          {
            id: 'never',
            when: [{ path: 'tool', operator: '==', value: 'x' }],
            decision: 'allow',
            reason: 'a.c',
          },
        ],
      }),
    );
    expect([shadowed.code, shadowed.out]).toEqual([
      1,
      expect.stringContaining('rule never (rules[1]) can never match'),
    ]);
  });

  it('runs cases against a policy and names the failing ones', async () => {
    const policy = file('p.json', packSource('refunds'));
    const cases = file('cases.json', {
      cases: [
        {
          name: 'small',
          input: { tool: 'stripe.refund.create', goal: 'g', args: { amount: 100 } },
          expect: { decision: 'allow' },
        },
        {
          name: 'wrong on purpose',
          input: { tool: 'stripe.refund.create', goal: 'g', args: { amount: 90000 } },
          expect: { decision: 'allow', reason_code: 'refund.small_in_scope' },
        },
      ],
    });
    const result = await cli('policy', 'test', policy, cases);
    expect(result.code).toBe(1);
    expect(result.out).toContain('ok   small');
    expect(result.out).toContain('FAIL wrong on purpose: decision "deny", expected "allow"');
    expect(result.out).toContain('1 passed, 1 failed');
  });

  it('runs the shared policy vectors (each case brings its own policy)', async () => {
    const vectors = resolve(__dirname, '../../../contract/vectors/policy/matching.json');
    const result = await cli('policy', 'test', file('p2.json', packSource('refunds')), vectors);
    expect(result.out).toMatch(/\d+ passed, 0 failed/);
    expect(result.code).toBe(0);
  });
});

describe('tools lock / tools check', () => {
  it('writes a lock, passes an unchanged listing and fails on drift naming each tool', async () => {
    const listing = { tools: [{ name: 'a.tool', description: 'A', inputSchema: { type: 'object' } }] };
    const lockPath = join(dir, 'actpass.lock');
    expect((await cli('tools', 'lock', file('tools.json', listing), '--out', lockPath)).code).toBe(0);
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).format).toBe('actpass.lock/v1');
    expect((await cli('tools', 'check', join(dir, 'tools.json'), '--lock', lockPath)).code).toBe(0);

    const changed = {
      tools: [
        { name: 'a.tool', description: 'A, now different', inputSchema: { type: 'object' } },
        { name: 'b.tool', inputSchema: {} },
      ],
    };
    const drift = await cli('tools', 'check', file('tools2.json', changed), '--lock', lockPath);
    expect(drift.code).toBe(1);
    expect(drift.out).toContain('drifted: a.tool');
    expect(drift.out).toContain('added:   b.tool');
    const badLock = await cli(
      'tools',
      'check',
      join(dir, 'tools.json'),
      '--lock',
      file('bad.lock', { tools: {} }),
    );
    expect([badLock.code, badLock.err]).toEqual([
      2,
      expect.stringContaining('bad.lock: not an actpass.lock/v1 file'),
    ]);
  });
});

describe('ledger verify', () => {
  it('verifies a signed export offline and refuses a tampered one', async () => {
    const t = testGateway();
    await t.call('POST', '/api/v1/actions/preflight', { key: t.keys.agent, body: refund(100) });
    await t.call('POST', '/api/v1/actions/preflight', { key: t.keys.agent, body: refund(200) });
    const exported = (await t.call('GET', '/api/v1/evidence/export', { key: t.keys.admin })).body;
    const jwks = file('jwks.json', (await t.call('GET', '/.well-known/jwks.json')).body);
    const ok = await cli('ledger', 'verify', file('export.json', exported), '--jwks', jwks);
    expect([ok.code, ok.out]).toEqual([0, expect.stringContaining('ok, 3 events')]);

    exported.events[1].data.decision = 'deny';
    const tampered = await cli('ledger', 'verify', file('tampered.json', exported), '--jwks', jwks);
    expect([tampered.code, tampered.out]).toEqual([1, expect.stringContaining('FAILED')]);
  });
});

describe('actpass dev (spawned)', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('prints exactly one JSON ready line, serves, and exits 0 on SIGTERM', async () => {
    const state = join(dir, 'state');
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'dev', '--port', '0', '--dir', state, '--json'],
      {
        cwd: resolve(__dirname, '../..'),
        env: { ...process.env, ACTPASS_VAULT_KEY: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const first = await new Promise<string>((resolveLine, reject) => {
      lines.once('line', resolveLine);
      child?.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const ready = JSON.parse(first);
    expect(Object.keys(ready)).toEqual(['ready', 'url', 'tenant_id', 'keys', 'jwks_url', 'console_url']);
    expect(ready).toMatchObject({
      ready: true,
      tenant_id: 'acme',
      jwks_url: `${ready.url}/.well-known/jwks.json`,
      console_url: `${ready.url}/console/`,
    });
    const page = await fetch(ready.console_url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(Object.keys(ready.keys)).toEqual(['agent', 'approver', 'admin', 'proxy']);

    const response = await fetch(`${ready.url}/api/v1/actions/preflight`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ready.keys.agent}`, 'content-type': 'application/json' },
      body: JSON.stringify(refund(100)),
    });
    expect((await response.json()).decision).toBe('allow');
    expect(readFileSync(join(state, 'vault.key'), 'utf8').trim()).toHaveLength(44);

    const exited = new Promise<number | null>((done) => child?.once('exit', done));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const extra: string[] = [];
    lines.on('line', (line) => extra.push(line));
    expect(extra).toEqual([]);
  }, 20_000);
});
