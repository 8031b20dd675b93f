import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@actpass/gateway/cli';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMcpProxyConfig } from '../../../src/proxy/mcp/index.js';

const dir = mkdtempSync(join(tmpdir(), 'actpass-wrap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('actpass mcp wrap', () => {
  const original = {
    mcpServers: {
      filesystem: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/home/me'] },
      'remote tools': {
        type: 'http',
        url: 'http://127.0.0.1:9000/mcp',
        headers: { authorization: 'Bearer t' },
      },
    },
    theme: 'dark',
  };
  const file = join(dir, 'claude_desktop_config.json');
  const proxyConfig = join(dir, 'proxy.json');

  it('prints a diff and changes nothing without --write', async () => {
    writeFileSync(file, JSON.stringify(original, null, 2));
    const res = await cli('mcp', 'wrap', file, '--proxy-config', proxyConfig);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/^- {5}"filesystem": \{$/m);
    expect(res.out).toMatch(/^\+ {5}"actpass": \{$/m);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(original);
  });

  it('with --write routes every server through the proxy, and a second wrap changes nothing', async () => {
    const res = await cli('mcp', 'wrap', file, '--proxy-config', proxyConfig, '--write');
    expect(res.code).toBe(0);
    const wrapped = JSON.parse(readFileSync(file, 'utf8'));
    expect(wrapped).toEqual({
      mcpServers: { actpass: { command: 'actpass', args: ['mcp', 'serve', '--config', proxyConfig] } },
      theme: 'dark',
    });
    const proxy = parseMcpProxyConfig(JSON.parse(readFileSync(proxyConfig, 'utf8')));
    expect(proxy.servers.map((server) => [server.name, server.kind])).toEqual([
      ['filesystem', 'stdio'],
      ['remote_tools', 'http'],
    ]);
    const again = await cli('mcp', 'wrap', file, '--write');
    expect(again.out).toMatch(/nothing to change/);
  });
});
