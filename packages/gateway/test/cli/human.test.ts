/**
 * The human-side commands: approvals, ledger tail/show, report rollout, policy simulate; `--help` on
 * every command; API and CLI agreeing on the same data; hostile agent strings printed harmlessly.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commandNames, runCli } from '../../src/cli/index.js';
import { ledgerTail } from '../../src/cli/ledger.js';
import type { RunningServer } from '../../src/index.js';
import { refund } from '../http/helpers.js';
import { type SeededGateway, seededGateway, seedTraffic } from '../reports/helpers.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'actpass-cli-human-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const WINDOW = ['--since', '2026-11-23T00:00:00Z', '--until', '2026-11-23T02:00:00Z'];
const CANDIDATE = {
  id: 'refunds',
  version: 9,
  default: { decision: 'deny', reason: 'policy.no_match', risk_tier: 'high' },
  rules: [
    {
      id: 'refund-tiny',
      when: [
        { path: 'tool', operator: '==', value: 'stripe.refund.create' },
        { path: 'args.amount', operator: '<=', value: 1000 },
      ],
      decision: 'allow',
      reason: 'refund.small_in_scope',
      risk_tier: 'low',
    },
  ],
};
const candidateFile = join(dir, 'candidate.json');
writeFileSync(candidateFile, JSON.stringify(CANDIDATE));

describe('--help', () => {
  it('every command and every group answers --help with exit 0', async () => {
    const names = commandNames();
    expect(names).toEqual(
      expect.arrayContaining(['dev', 'approvals list', 'report rollout', 'policy simulate']),
    );
    for (const name of names) {
      for (const flag of ['--help', '-h']) {
        const result = await cli(...name.split(' '), flag);
        expect([name, result.code]).toEqual([name, 0]);
        expect(result.out).toContain(`actpass ${name}`);
      }
    }
    for (const group of new Set(names.map((name) => name.split(' ')[0] as string))) {
      expect((await cli(group, '--help')).code).toBe(0);
    }
    expect((await cli('help', 'ledger', 'tail')).out).toContain('--follow');
    // After `--`, a "--help" is an operand, and an unknown command still is a usage error.
    expect((await cli('nosuch', '--help')).code).toBe(2);
  });

  it('the real executable exits 0 for `actpass <subcommand> --help`', async () => {
    const cwd = resolve(__dirname, '../..');
    for (const argv of [
      ['ledger', 'verify', '--help'],
      ['approvals', 'approve', '--help'],
      ['dev', '--help'],
    ]) {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...argv], { cwd });
      expect(stdout).toContain(`actpass ${argv.slice(0, -1).join(' ')}`);
    }
  }, 120_000);
});

describe('against a served gateway (ACTPASS_BASE_URL / ACTPASS_API_KEY)', () => {
  let gw: SeededGateway;
  let running: RunningServer;
  const saved = { base: process.env.ACTPASS_BASE_URL, key: process.env.ACTPASS_API_KEY };
  const useKey = (key: string) => {
    process.env.ACTPASS_BASE_URL = running.url;
    process.env.ACTPASS_API_KEY = key;
  };

  beforeAll(async () => {
    gw = seededGateway();
    await seedTraffic(gw);
    running = await gw.gateway.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(() => {
    for (const [name, value] of [
      ['ACTPASS_BASE_URL', saved.base],
      ['ACTPASS_API_KEY', saved.key],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  afterAll(() => gw.gateway.close());

  it('report rollout --json is exactly what the API answers, and the table shows the same numbers', async () => {
    useKey(gw.keys.approver);
    const api = await gw.call(
      'GET',
      '/api/v1/reports/rollout?since=2026-11-23T00:00:00Z&until=2026-11-23T02:00:00Z',
      {
        key: gw.keys.approver,
      },
    );
    const json = await cli('report', 'rollout', ...WINDOW, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual(api.body);
    const text = await cli('report', 'rollout', ...WINDOW);
    expect(text.out).toContain('6 decisions; enforce would block 5.');
    expect(text.out).toContain('4 in monitor/warn, of which enforce would block 3.');
    expect(text.out).toMatch(/stripe\.refund\.create\s+stripe:charge:ch_1\s+refund\.large_denied\s+deny\s+2/);
  });

  it('policy simulate --json is exactly what the API answers', async () => {
    useKey(gw.keys.admin);
    const api = await gw.call('POST', '/api/v1/policy/simulate', {
      key: gw.keys.admin,
      body: { policy: CANDIDATE, since: '2026-11-23T00:00:00Z', until: '2026-11-23T02:00:00Z', limit: 50 },
    });
    const json = await cli('policy', 'simulate', candidateFile, ...WINDOW, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual(api.body);
    const text = await cli('policy', 'simulate', candidateFile, ...WINDOW);
    expect(text.out).toContain('2 would change, 3 would not.');
    expect(text.out).toContain('allow → deny: 1');
  });

  it('approvals list, show, approve and deny; a second decision is a conflict', async () => {
    const held = await gw.call('POST', '/api/v1/actions/preflight', {
      key: gw.keys.agent,
      body: refund(25000),
    });
    const other = await gw.call('POST', '/api/v1/actions/preflight', {
      key: gw.keys.agent,
      body: refund(26000),
    });
    const id = held.body.approval_request_id as string;
    useKey(gw.keys.approver);
    const list = await cli('approvals', 'list');
    expect(list.code).toBe(0);
    expect(list.out).toContain(id);
    const listed = JSON.parse((await cli('approvals', 'list', '--json')).out);
    expect(listed.items.map((item: { id: string }) => item.id)).toContain(id);
    expect((await cli('approvals', 'show', id)).out).toContain('"amount": 25000');
    const approved = await cli('approvals', 'approve', id, '--note', 'ok by finance');
    expect([approved.code, approved.out]).toEqual([0, `${id}: approved by acme_approver`]);
    const again = await cli('approvals', 'deny', id);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/approvals deny: .*conflict|already/i);
    const denied = JSON.parse((await cli('approvals', 'deny', other.body.approval_request_id, '--json')).out);
    expect(denied.status).toBe('denied');
    useKey(gw.keys.agent);
    const refused = await cli('approvals', 'list');
    expect([refused.code, refused.err]).toEqual([1, expect.stringContaining('approver role')]);
  });

  it('ledger tail and show print events; --follow prints events as they arrive', async () => {
    useKey(gw.keys.admin);
    const events = await gw.ledger();
    const tail = await cli('ledger', 'tail', '--limit', '3');
    expect(tail.out.split('\n')).toHaveLength(3);
    expect(tail.out).toContain(`${(events.at(-1) as { seq: number }).seq}`);
    const decisions = await cli('ledger', 'tail', '--type', 'decision', '--decision', 'deny', '--json');
    for (const line of decisions.out.split('\n')) expect(JSON.parse(line).data.decision).toBe('deny');
    const bySeq = JSON.parse((await cli('ledger', 'show', '2', '--json')).out);
    expect(bySeq.seq).toBe(2);
    const byId = JSON.parse((await cli('ledger', 'show', bySeq.id, '--json')).out);
    expect(byId).toEqual(bySeq);
    expect((await cli('ledger', 'show', '999999')).code).toBe(1);
    expect((await cli('ledger', 'show', 'nope')).code).toBe(2);

    const printed: string[] = [];
    let polls = 0;
    const stop = new Error('stop following');
    const code = ledgerTail(
      ['--limit', '1', '--follow', '--type', 'decision'],
      { out: (line) => printed.push(line), err: () => undefined },
      {
        wait: async () => {
          polls += 1;
          if (polls === 1) {
            await gw.call('POST', '/api/v1/actions/preflight', { key: gw.keys.agent, body: refund(777) });
            return;
          }
          throw stop;
        },
      },
    );
    await expect(code).rejects.toThrow('stop following');
    expect(printed).toHaveLength(2);
    expect(printed[1]).toMatch(/decision\s+allow\s+refund\.small_in_scope/);
  });

  it('agent-supplied control characters and escapes are printed visibly, never raw', async () => {
    const hostile = '\u001b[2J\u001b]0;pwned\u0007\u202egnp.exe\u009b31m\r\nFAKE: approved';
    const held = await gw.call('POST', '/api/v1/actions/preflight', {
      key: gw.keys.agent,
      body: {
        goal: hostile,
        tool: 'stripe.refund.create',
        resource: `stripe:charge:${hostile}`,
        args: { amount: 30000, [hostile]: hostile },
        agent_id: 'bot',
      },
    });
    const id = held.body.approval_request_id as string;
    useKey(gw.keys.approver);
    await gw.call('POST', `/api/v1/approvals/${id}/deny`, { key: gw.keys.approver, body: { note: hostile } });
    const outputs = [
      await cli('approvals', 'list', '--all'),
      await cli('approvals', 'show', id),
      await cli('approvals', 'show', id, '--json'),
      await cli('approvals', 'approve', id),
    ];
    useKey(gw.keys.admin);
    outputs.push(
      await cli('ledger', 'tail', '--limit', '5'),
      await cli('ledger', 'tail', '--limit', '5', '--json'),
    );
    useKey(gw.keys.approver);
    outputs.push(await cli('report', 'rollout', '--since', '48h'));
    for (const { out, err } of outputs) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the point of the test
      expect(out + err).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    }
    expect(outputs[1]?.out).toContain('\\x1b[2J');
    expect(outputs[1]?.out).toContain('\\u202e');
    expect(JSON.parse(outputs[2]?.out ?? '').action.goal).toBe(hostile);
  });
});

describe('against a local --dir', () => {
  it('answers what the served API answered for the same state, and refuses a missing directory', async () => {
    const state = join(dir, 'state');
    const gw = seededGateway({ dir: state });
    await seedTraffic(gw);
    const api = await gw.call(
      'GET',
      '/api/v1/reports/rollout?since=2026-11-23T00:00:00Z&until=2026-11-23T02:00:00Z',
      {
        key: gw.keys.approver,
      },
    );
    const whatIf = await gw.call('POST', '/api/v1/policy/simulate', {
      key: gw.keys.admin,
      body: { policy: CANDIDATE, since: '2026-11-23T00:00:00Z', until: '2026-11-23T02:00:00Z', limit: 50 },
    });
    await gw.gateway.close();
    const report = await cli('report', 'rollout', '--dir', state, ...WINDOW, '--json');
    expect(report.code).toBe(0);
    expect(JSON.parse(report.out)).toEqual(api.body);
    const simulated = await cli('policy', 'simulate', candidateFile, '--dir', state, ...WINDOW, '--json');
    expect(JSON.parse(simulated.out)).toEqual(whatIf.body);
    const missing = await cli('report', 'rollout', '--dir', join(dir, 'nothing-here'));
    expect([missing.code, missing.err]).toEqual([2, expect.stringContaining('holds no dev gateway state')]);
    const tenant = await cli('report', 'rollout', '--dir', state, '--tenant', 'nobody');
    expect([tenant.code, tenant.err]).toEqual([2, expect.stringContaining('no tenant "nobody"')]);
  });
});

describe('--json on the file commands', () => {
  it('policy check, policy test, tools lock and tools check print JSON with the same verdict', async () => {
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify(CANDIDATE));
    const checked = await cli('policy', 'check', policy, '--json');
    expect([checked.code, JSON.parse(checked.out)]).toEqual([
      0,
      { file: policy, ok: true, problems: [], shadowed: [] },
    ]);
    const broken = join(dir, 'broken-policy.json');
    writeFileSync(
      broken,
      JSON.stringify({ id: 'x', version: 1, rules: [{ id: 'a', decision: 'maybe', reason: 'x.y' }] }),
    );
    const bad = await cli('policy', 'check', broken, '--json');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out).problems.length).toBeGreaterThan(0);

    const cases = join(dir, 'cases.json');
    writeFileSync(
      cases,
      JSON.stringify({
        cases: [
          {
            name: 'tiny',
            input: { tool: 'stripe.refund.create', goal: 'g', args: { amount: 500 } },
            expect: { decision: 'allow' },
          },
          {
            name: 'big',
            input: { tool: 'stripe.refund.create', goal: 'g', args: { amount: 5000 } },
            expect: { decision: 'allow' },
          },
        ],
      }),
    );
    const tested = await cli('policy', 'test', policy, cases, '--json');
    expect(tested.code).toBe(1);
    expect(JSON.parse(tested.out)).toMatchObject({
      passed: 1,
      failed: 1,
      cases: [
        { name: 'tiny', ok: true },
        { name: 'big', ok: false },
      ],
    });

    // Tool names are restricted to dotted segments (a listing with anything else is refused), so the
    // terminal never sees control characters from this command; it cleans them all the same.
    const added = 'crm.write';
    const listing = join(dir, 'listing.json');
    writeFileSync(
      listing,
      JSON.stringify([{ name: 'crm.read', description: 'd', input_schema: { type: 'object' } }]),
    );
    const lockFile = join(dir, 'actpass.lock');
    const locked = await cli('tools', 'lock', listing, '--out', lockFile, '--json');
    expect(JSON.parse(locked.out)).toEqual({ lock_file: lockFile, tools: ['crm.read'] });
    const changed = join(dir, 'listing-changed.json');
    writeFileSync(
      changed,
      JSON.stringify([
        { name: 'crm.read', description: 'd', input_schema: { type: 'object' } },
        { name: added, description: 'd', input_schema: { type: 'object' } },
      ]),
    );
    const drift = await cli('tools', 'check', changed, '--lock', lockFile, '--json');
    expect(drift.code).toBe(1);
    expect(JSON.parse(drift.out).added).toEqual([added]);
    const text = await cli('tools', 'check', changed, '--lock', lockFile);
    expect(text.out).toContain('added:   crm.write');
  });
});
