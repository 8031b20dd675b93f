import { describe, expect, it } from 'vitest';
import { MCP_DEFAULT_PATH_ARGS } from '../../../src/constants.js';
import { type McpConfigError, parseMcpProxyConfig } from '../../../src/proxy/mcp/index.js';
import { refusePathEscape, uriEscapeReason } from '../../../src/proxy/mcp/path-args.js';

function problems(raw: unknown): string[] {
  try {
    parseMcpProxyConfig(raw);
  } catch (error) {
    return (error as McpConfigError).problems;
  }
  return [];
}

describe('MCP proxy config: listing, restart and path arguments', () => {
  it('takes bounds at the top level and per server, and reports bad ones by path', () => {
    const config = parseMcpProxyConfig({
      listing: { timeout_ms: 2000, max_pages: 5 },
      restart: { max_consecutive: 2 },
      servers: {
        a: { command: 'a' },
        b: { command: 'b', listing: { max_items: 10 }, path_args: { write: ['target'], '*': [] } },
      },
    });
    const [a, b] = config.servers;
    expect(a?.listing).toMatchObject({ timeoutMs: 2000, maxPages: 5, maxItems: 1000 });
    expect(b?.listing).toMatchObject({ timeoutMs: 2000, maxPages: 5, maxItems: 10 });
    expect(config.restart.maxConsecutive).toBe(2);
    expect(a?.pathArgs.get('*')).toEqual(MCP_DEFAULT_PATH_ARGS);
    expect(b?.pathArgs.get('write')).toEqual(['target']);

    expect(
      problems({
        listing: { timeout_ms: 0, max_pages: 'many', pages: 3 },
        restart: { first_backoff_ms: 500, max_backoff_ms: 100 },
        servers: { a: { command: 'a', path_args: 'path', listing: [] } },
      }),
    ).toEqual([
      'listing.timeout_ms: must be a whole number of at least 1',
      'listing.max_pages: must be a whole number of at least 1',
      'listing.pages: unknown field; expected one of timeout_ms, max_pages, max_items, max_bytes, retry_after_ms, start_timeout_ms, cache_ttl_ms',
      'restart.max_backoff_ms: must be at least first_backoff_ms',
      'servers.a.listing: must be an object with any of timeout_ms, max_pages, max_items, max_bytes, retry_after_ms, start_timeout_ms, cache_ttl_ms',
      'servers.a.path_args: must be a list of argument names or map tool names (or "*") to lists',
    ]);
  });
});

describe('MCP proxy config: tool listing reuse and HTTP sessions', () => {
  it('has documented defaults, takes overrides, and reports bad ones by path', () => {
    const defaults = parseMcpProxyConfig({ servers: { a: { command: 'a' } } });
    expect(defaults.servers[0]?.listing.cacheTtlMs).toBe(60_000);
    expect(defaults.sessions).toEqual({ idleTimeoutMs: 900_000, maxPerAgentKey: 8, maxTotal: 1024 });

    const set = parseMcpProxyConfig({
      listing: { cache_ttl_ms: 5000 },
      sessions: { idle_timeout_ms: 1000, max_per_agent_key: 2, max_total: 10 },
      servers: { a: { command: 'a' }, b: { command: 'b', listing: { cache_ttl_ms: 1 } } },
    });
    expect(set.servers.map((server) => server.listing.cacheTtlMs)).toEqual([5000, 1]);
    expect(set.sessions).toEqual({ idleTimeoutMs: 1000, maxPerAgentKey: 2, maxTotal: 10 });

    expect(
      problems({
        sessions: { idle_timeout_ms: 0, max_per_agent_key: 5, max_total: 4, per_key: 1 },
        servers: { a: { command: 'a', listing: { cache_ttl_ms: -1 } } },
      }),
    ).toEqual([
      'sessions.idle_timeout_ms: must be a whole number of at least 1',
      'sessions.per_key: unknown field; expected one of idle_timeout_ms, max_per_agent_key, max_total',
      'sessions.max_total: must be at least max_per_agent_key',
      'servers.a.listing.cache_ttl_ms: must be a whole number of at least 1',
    ]);
    expect(problems({ sessions: 'many', servers: { a: { command: 'a' } } })).toEqual([
      'sessions: must be an object with any of idle_timeout_ms, max_per_agent_key, max_total',
    ]);
  });
});

describe('path arguments refuse escapes', () => {
  const defaults = new Map([['*', MCP_DEFAULT_PATH_ARGS]]);
  const refused = [
    { path: '/srv/allowed/../escaped.txt' },
    { path: '../x' },
    { path: 'a/b/..' },
    { path: '..' },
    { path: 'C:\\work\\..\\x' },
    { path: '/srv/x\u0000.png' },
    { source: 'a', destination: '/srv/allowed/../../etc/cron.d/x' },
    { paths: ['/srv/allowed/a', '/srv/allowed/../b'] },
    { path: '/srv/allowed/.. /x' },
    { path: '/srv/allowed/.../x' },
    { path: '/srv/allowed/... . /x' },
  ];
  const accepted = [
    { path: '/srv/allowed/notes.txt' },
    { path: '/srv/allowed/..hidden/x' },
    { path: '/srv/allowed/a..b' },
    { path: '.hidden/..x' },
    { path: '/srv/allowed/. ./x' },
    { content: '../not a path argument' },
    { path: 5 },
    { paths: ['/srv/a', '/srv/b'] },
  ];

  it.each(refused)('refuses %j', (args) => {
    expect(refusePathEscape(defaults, 'write_file', args)).not.toBeNull();
  });

  it.each(accepted)('accepts %j', (args) => {
    expect(refusePathEscape(defaults, 'write_file', args)).toBeNull();
  });

  it('follows per-tool names and can be switched off', () => {
    const custom = new Map([
      ['copy', ['from']],
      ['*', []],
    ]);
    expect(refusePathEscape(custom, 'copy', { from: '../x' })?.argument).toBe('from');
    expect(refusePathEscape(custom, 'copy', { path: '../x' })).toBeNull();
    expect(refusePathEscape(custom, 'other', { path: '../x' })).toBeNull();
  });

  it('reads resource URIs raw and percent-decoded', () => {
    expect(uriEscapeReason('file:///srv/allowed/../etc/passwd')).toMatch(/\.\./);
    expect(uriEscapeReason('test://static/resource/%2e%2e%2fsecret')).toMatch(/\.\./);
    expect(uriEscapeReason('test://static/resource/..%5csecret')).toMatch(/\.\./);
    expect(uriEscapeReason('test://static/%E0%A4%A')).toMatch(/percent-encoding/);
    expect(uriEscapeReason('test://static/resource/1')).toBeNull();
  });
});
