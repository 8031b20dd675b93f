import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '@actpass/gateway/cli';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES, reportFor } from '../../src/exposure/index.js';
import { wrapClientConfig } from '../../src/proxy/mcp/wrap.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const project = join(fixtures, 'project');
const desktop = join(fixtures, 'claude_desktop_config.json');
const scratch = mkdtempSync(join(tmpdir(), 'actpass-exposure-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

interface JsonReport {
  agents: Array<{
    name: string;
    surfaces: Array<{ name: string; categories: string[]; gate: string | null; own_credentials: string[] }>;
  }>;
  findings: Array<{
    id: string;
    kind: string;
    severity: string;
    agent: string;
    surfaces: string[];
    new: boolean;
    summary: string;
  }>;
}

async function scanJson(...argv: string[]): Promise<{ code: number; report: JsonReport }> {
  const { code, out, err } = await cli('exposure', ...argv, '--json');
  expect(err).toBe('');
  return { code, report: JSON.parse(out) as JsonReport };
}

const all = [
  desktop,
  join(project, '.mcp.json'),
  join(project, '.claude/settings.json'),
  join(project, '.cursor/mcp.json'),
  join(project, '.vscode/mcp.json'),
  join(project, 'agents.json'),
];

describe('actpass exposure over real config shapes', () => {
  it('finds one agent per client and classifies known servers', async () => {
    const { code, report } = await scanJson(...all, '--proxy-url', 'http://127.0.0.1:8790/mcp');
    expect(code).toBe(1);
    expect(report.agents.map((a) => a.name).sort()).toEqual(
      [
        'claude-desktop',
        `claude-code (${project})`,
        `cursor (${project})`,
        'report-writer',
        'support-agent',
        `vscode (${project})`,
      ].sort(),
    );
    const desktopAgent = report.agents.find((a) => a.name === 'claude-desktop');
    const github = desktopAgent?.surfaces.find((s) => s.name === 'github');
    expect(github?.categories).toEqual([
      'untrusted_input',
      'sensitive_access',
      'external_communication',
      'critical_action',
    ]);
    expect(github?.own_credentials).toEqual(['GITHUB_PERSONAL_ACCESS_TOKEN']);
    const cursor = report.agents.find((a) => a.name.startsWith('cursor'));
    expect(cursor?.surfaces.map((s) => [s.name, s.gate])).toEqual([
      ['crm', 'mcp-proxy'],
      ['browser', null],
    ]);
  });

  it('reports the lethal trifecta and red+blue mixes per agent, and nothing for a gated read-only agent', async () => {
    const { report } = await scanJson(...all);
    const kinds = (agent: string) => report.findings.filter((f) => f.agent === agent).map((f) => f.kind);
    expect(kinds('claude-desktop')).toEqual([
      'lethal_trifecta',
      'red_blue_mix',
      'ungated_surface',
      'ungated_surface',
      'ungated_surface',
    ]);
    const trifecta = report.findings.find((f) => f.agent === 'support-agent' && f.kind === 'lethal_trifecta');
    expect(trifecta?.summary).toContain('untrusted input (zendesk.ticket.read)');
    expect(trifecta?.summary).toContain('1 of 4 of these surfaces do not go through ActPass');
    expect(kinds('report-writer')).toEqual([]);
    // The vscode agent only reads a database: an ungated surface, but no trifecta or mix.
    expect(kinds(`vscode (${project})`)).toEqual(['ungated_surface']);
  });

  it('reads Claude Code hooks and permissions: hooked tools are gated, denied ones are gone', async () => {
    const { report } = await scanJson(join(project, '.mcp.json'), join(project, '.claude/settings.json'));
    const agent = report.agents.find((a) => a.name === `claude-code (${project})`);
    const gates = Object.fromEntries(agent?.surfaces.map((s) => [s.name, s.gate]) ?? []);
    expect(gates).toEqual({
      Bash: 'claude-code-hook',
      Read: null,
      Write: 'claude-code-hook',
      Edit: 'claude-code-hook',
      MultiEdit: 'claude-code-hook',
      NotebookEdit: null,
      WebFetch: null,
      payments: 'mcp-proxy',
      docs: 'claude-code-hook',
    });
    const unclassified = report.findings
      .filter((f) => f.kind === 'unclassified_surface')
      .map((f) => f.surfaces[0]);
    expect(unclassified.sort()).toEqual(['docs', 'payments']);
    expect(report.findings.find((f) => f.kind === 'unclassified_surface')?.severity).toBe('info');
  });

  it('never prints a credential value, a header value or a URL query, in either format', async () => {
    for (const format of [[], ['--json']]) {
      const { out } = await cli('exposure', ...all, ...format);
      expect(out.replaceAll('\\_', '_')).toContain('GITHUB_PERSONAL_ACCESS_TOKEN');
      for (const secret of [
        'ghp_fixtureTokenValue',
        'fixture-key-value',
        'fixture-header-value',
        '/Users/me/Desktop',
      ]) {
        expect(out).not.toContain(secret);
      }
    }
  });

  it('is read-only: a server command in a scanned config never runs', async () => {
    const marker = join(scratch, 'ran');
    const config = join(scratch, 'claude_desktop_config.json');
    writeFileSync(
      config,
      JSON.stringify({ mcpServers: { trap: { command: 'sh', args: ['-c', `touch ${marker}`] } } }),
    );
    const { code } = await cli('exposure', config);
    expect(code).toBe(1);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('hostile strings from a config', () => {
  it('render as inert Markdown text and as plain JSON strings', async () => {
    const name = '<img src=x onerror=alert(1)>|`x`\u001b[31m[link](javascript:alert(1))\nline';
    const config = join(scratch, 'hostile', '.cursor', 'mcp.json');
    mkdirSync(join(scratch, 'hostile', '.cursor'), { recursive: true });
    writeFileSync(
      config,
      JSON.stringify({ mcpServers: { [name]: { command: 'npx', args: ['-y', 'server-fetch'] } } }),
    );
    const markdown = (await cli('exposure', config)).out;
    expect(markdown).not.toContain('<img');
    expect(markdown).not.toContain('\u001b');
    expect(markdown).not.toContain('](javascript:');
    expect(markdown).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;\\|\\`x\\`');
    // Every table row still has exactly four cells: the name's `|` and newline cannot add any.
    for (const row of markdown.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'))) {
      expect(row.replaceAll('\\|', '').split('|').length).toBe(6);
    }
    const json = JSON.parse((await cli('exposure', config, '--json')).out) as JsonReport;
    expect(json.agents[0]?.surfaces[0]?.name).toBe(name);
  });
});

describe('baselines: CI fails only on new findings', () => {
  it('accepts the recorded findings and fails on a new surface', async () => {
    const config = join(scratch, 'base', 'claude_desktop_config.json');
    mkdirSync(join(scratch, 'base'), { recursive: true });
    const servers: Record<string, unknown> = { fetch: { command: 'uvx', args: ['mcp-server-fetch'] } };
    writeFileSync(config, JSON.stringify({ mcpServers: servers }));
    const baseline = join(scratch, 'base', 'baseline.json');
    expect((await cli('exposure', config, '--write-baseline', baseline)).code).toBe(1);
    expect((await cli('exposure', config, '--baseline', baseline)).code).toBe(0);

    servers.mail = { command: 'npx', args: ['gmail-mcp'], env: { GMAIL_TOKEN: 'x' } };
    writeFileSync(config, JSON.stringify({ mcpServers: servers }));
    const { code, report } = await scanJson(config, '--baseline', baseline);
    expect(code).toBe(1);
    const fresh = report.findings.filter((f) => f.new);
    // fetch alone was untrusted input + egress; gmail adds sensitive access (trifecta) and a surface.
    expect(fresh.map((f) => [f.kind, f.surfaces.join(',')]).sort()).toEqual(
      [
        ['lethal_trifecta', 'fetch,mail'],
        ['ungated_surface', 'mail'],
      ].sort(),
    );
    expect(JSON.parse(readFileSync(baseline, 'utf8')).format).toBe('actpass.exposure-baseline/v1');
  });

  it('rejects a file that is not a baseline, naming the fix', async () => {
    const bogus = join(scratch, 'bogus.json');
    writeFileSync(bogus, JSON.stringify({ findings: [] }));
    const { code, err } = await cli('exposure', desktop, '--baseline', bogus);
    expect(code).toBe(2);
    expect(err).toContain('--write-baseline');
  });
});

describe('rules and input problems', () => {
  it('a rules file adds capabilities and classifies what the defaults cannot', async () => {
    const rules = join(scratch, 'rules.json');
    writeFileSync(
      rules,
      JSON.stringify({ mcp_servers: [{ match: '*mcp-proxy.yaml*', capabilities: ['payments.refund'] }] }),
    );
    const { report } = await scanJson(join(project, '.mcp.json'), '--rules', rules);
    const payments = report.agents[0]?.surfaces.find((s) => s.name === 'payments');
    expect(payments?.categories).toEqual(['sensitive_access', 'critical_action']);
  });

  it('reports every problem of a bad rules file or agents.json by path', async () => {
    const rules = join(scratch, 'bad-rules.json');
    writeFileSync(
      rules,
      JSON.stringify({ capabilities: { 'x.y': ['exfil'] }, tool_names: [{ match: '' }], colours: {} }),
    );
    const bad = await cli('exposure', desktop, '--rules', rules);
    expect(bad.code).toBe(2);
    for (const path of ['capabilities.x.y', 'tool_names[0].match', 'tool_names[0].capabilities', 'colours']) {
      expect(bad.err).toContain(path);
    }
    const agents = join(scratch, 'agents.json');
    writeFileSync(
      agents,
      JSON.stringify({
        agents: [{ name: 'a', tools: [{ name: 'x', capabilities: 'web.read', gate: 'vpn' }] }],
      }),
    );
    const badAgents = await cli('exposure', agents);
    expect(badAgents.code).toBe(2);
    expect(badAgents.err).toContain('agents[0].tools[0].capabilities');
    expect(badAgents.err).toContain('agents[0].tools[0].gate');
  });

  it('an unknown file shape is a usage error, and so is an empty folder with nothing to scan', async () => {
    const odd = join(scratch, 'odd.json');
    writeFileSync(odd, JSON.stringify({ hello: 'world' }));
    expect((await cli('exposure', odd)).err).toContain('not a known shape');
    const before = process.cwd();
    const empty = mkdtempSync(join(scratch, 'empty-'));
    try {
      process.chdir(empty);
      const none = await cli('exposure');
      expect([none.code, none.err]).toEqual([2, expect.stringContaining('no config found here')]);
      process.chdir(project);
      const found = await scanJson();
      expect(found.report.agents.length).toBe(5);
    } finally {
      process.chdir(before);
    }
  });

  it('annotations can add risk but never remove it', () => {
    const tool = (name: string, annotations: Record<string, boolean>) => ({
      kind: 'mcp-tool' as const,
      name,
      source: 'listing',
      capabilities: [],
      annotations,
      gate: null,
      ownCredentials: [],
    });
    const report = reportFor(
      ['listing'],
      [
        {
          name: 'a',
          sources: ['listing'],
          surfaces: [
            tool('fs.delete_file', { readOnlyHint: true }),
            tool('weather.get_forecast', { destructiveHint: true }),
            tool('search.lookup', { openWorldHint: true }),
          ],
        },
      ],
      { rules: DEFAULT_RULES },
    );
    expect(report.agents[0]?.surfaces.map((s) => [s.name, s.categories])).toEqual([
      ['fs.delete_file', ['critical_action']],
      ['weather.get_forecast', ['critical_action']],
      ['search.lookup', ['untrusted_input', 'external_communication']],
    ]);
  });
});

describe('--list-tools asks each MCP server for its tools', () => {
  it('classifies every tool by its name and annotations, and starts servers only when asked', async () => {
    const marker = join(scratch, 'listed');
    const config = join(scratch, 'listing', 'claude_desktop_config.json');
    mkdirSync(join(scratch, 'listing'), { recursive: true });
    const server = fileURLToPath(new URL('./fixtures/annotated-mcp-server.mjs', import.meta.url));
    writeFileSync(
      config,
      JSON.stringify({
        mcpServers: {
          orders: { command: process.execPath, args: [server], env: { EXPOSURE_MARKER: marker } },
          gone: { command: join(scratch, 'no-such-server') },
        },
      }),
    );
    await cli('exposure', config);
    expect(existsSync(marker)).toBe(false);

    const { code, out, err } = await cli('exposure', config, '--list-tools', '--json');
    expect(existsSync(marker)).toBe(true);
    expect(code).toBe(1);
    expect(err).toContain('could not list the tools of claude-desktop gone');
    const report = JSON.parse(out) as JsonReport;
    expect(report.agents[0]?.surfaces.map((s) => [s.name, s.categories])).toEqual([
      ['orders.fetch_page', ['untrusted_input', 'external_communication']],
      ['orders.lookup_order', []],
      ['orders.delete_order', ['critical_action']],
      ['gone', []],
    ]);
    expect(report.findings.map((f) => f.kind)).toContain('red_blue_mix');
  }, 30_000);
});

describe('a config rewritten by actpass mcp wrap', () => {
  it('counts every server as going through the MCP proxy', async () => {
    const original = JSON.parse(readFileSync(desktop, 'utf8')) as Record<string, unknown>;
    const before = await cli('exposure', desktop, '--json');
    expect(
      (JSON.parse(before.out) as JsonReport).findings.filter((f) => f.kind === 'ungated_surface').length,
    ).toBe(3);
    const wrapped = join(scratch, 'wrapped', 'claude_desktop_config.json');
    mkdirSync(join(scratch, 'wrapped'), { recursive: true });
    writeFileSync(wrapped, JSON.stringify(wrapClientConfig(original, 'mcp-proxy.yaml').client));
    const { report } = await scanJson(wrapped);
    expect(report.agents[0]?.surfaces.map((s) => [s.name, s.gate])).toEqual([['actpass', 'mcp-proxy']]);
    expect(report.findings.filter((f) => f.kind === 'ungated_surface')).toEqual([]);
  });
});
