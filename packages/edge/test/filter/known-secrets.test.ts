/**
 * The secret values a proxy redacts whatever its filter settings: every spelling of each value, counted
 * under `vaulted_secret`; values too short to redact safely ignored; the set bounded. And which of an
 * MCP upstream's configured values count as its credentials.
 */
import { describe, expect, it } from 'vitest';
import { KnownSecrets, secretSpellings } from '../../src/filter/index.js';
import { parseMcpProxyConfig } from '../../src/proxy/mcp/config.js';
import { configuredSecrets } from '../../src/proxy/mcp/flow.js';

describe('known secrets', () => {
  it('redacts every spelling of a value and counts each', () => {
    const secrets = new KnownSecrets(10);
    const value = 'pw/"quoted"+é&<x>';
    expect(secrets.add(value)).toBe(true);
    expect(secrets.add(value)).toBe(false);
    const text = secretSpellings(value).join(' | ');
    const counts: Record<string, number> = {};
    const out = secrets.redact(text, counts);
    for (const spelling of secretSpellings(value)) expect(out).not.toContain(spelling);
    expect(counts.vaulted_secret).toBe(secretSpellings(value).length);
  });

  it('ignores values shorter than 8 characters and forgets the oldest past its bound', () => {
    const secrets = new KnownSecrets(2);
    expect(secrets.add('short')).toBe(false);
    secrets.add('first-secret-1');
    secrets.add('second-secret-2');
    secrets.add('third-secret-3');
    const counts: Record<string, number> = {};
    expect(secrets.redact('first-secret-1 third-secret-3', counts)).toBe(
      'first-secret-1 [REDACTED:vaulted_secret]',
    );
    expect(secrets.size).toBe(2);
  });
});

describe('an MCP upstream’s own credentials', () => {
  it('takes env and header values named like credentials, and the token of an Authorization header', () => {
    const config = parseMcpProxyConfig({
      servers: {
        gh: { command: 'gh-mcp', env: { GITHUB_TOKEN: 'ghp_value_123456', ROOT_DIR: '/srv/data/x' } },
        api: { url: 'https://mcp.example.test/mcp', headers: { Authorization: 'Bearer tok_abcdef123456' } },
      },
    });
    expect(configuredSecrets(config.servers).sort()).toEqual([
      'Bearer tok_abcdef123456',
      'ghp_value_123456',
      'tok_abcdef123456',
    ]);
  });
});
