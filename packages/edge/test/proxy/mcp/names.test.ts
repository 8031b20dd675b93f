import { describe, expect, it } from 'vitest';
import {
  type McpConfigError,
  mapToolNames,
  parseMcpProxyConfig,
  sanitizeToolName,
} from '../../../src/proxy/mcp/index.js';

describe('exposed MCP tool names', () => {
  it('replaces characters outside [A-Za-z0-9_-] (dots included) and numbers collisions', () => {
    expect(sanitizeToolName('read_file')).toBe('read_file');
    expect(sanitizeToolName('repo/create issue')).toBe('repo_create_issue');
    expect(sanitizeToolName('send.message')).toBe('send_message');
    expect(sanitizeToolName('../../etc')).toBe('______etc');
    expect([...mapToolNames('gh', ['a.b', 'a/b', 'a_b']).entries()]).toEqual([
      ['gh.a_b', 'a.b'],
      ['gh.a_b_2', 'a/b'],
      ['gh.a_b_3', 'a_b'],
    ]);
  });

  it('validates the config with every problem by path', () => {
    let problems: string[] = [];
    try {
      parseMcpProxyConfig({
        unapproved: 'maybe',
        servers: { 'bad name': { command: 'x' }, ok: { url: 'ftp://x' }, empty: {} },
      });
    } catch (error) {
      problems = (error as McpConfigError).problems;
    }
    expect(problems).toEqual([
      'unapproved: must be "hold" or "refuse"',
      'servers.bad name: server names are 1-64 characters of A-Z, a-z, 0-9, "_" or "-"',
      'servers.ok.url: must be an http(s) URL',
      'servers.empty: needs a command (stdio) or a url (Streamable HTTP)',
    ]);
  });
});
