import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@actpass/gateway/cli';
import { afterAll, describe, expect, it } from 'vitest';
import { ProxyConfigError, parseRestProxyConfig } from '../../../src/proxy/rest/index.js';

const dir = mkdtempSync(join(tmpdir(), 'actpass-proxy-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problems(raw: unknown): string[] {
  try {
    parseRestProxyConfig(raw);
  } catch (error) {
    if (error instanceof ProxyConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('proxy config validation', () => {
  it('reports every problem with its path', () => {
    const found = problems({
      listen: { port: 70000 },
      extra: true,
      upstreams: [
        {
          name: 'Pay Ments',
          base_url: 'ftp://user:pw@example/x?y=1',
          credential: { name: 'k', template: 'Bearer' },
          limits: { request_bytes: -1 },
          routes: [
            { method: 'BREW', path: 'refunds/{id}', tool: 'bad tool!' },
            {
              method: 'GET',
              path: '/a/%2e%2e/{id}',
              tool: 'x.y',
              resource: 'r:{nope}',
              args: { a: 'path.nope', b: 'header.x' },
            },
            { method: 'GET', path: '/a/{id}/{id}', tool: 'x.y' },
          ],
        },
        { name: 'dup', base_url: 'http://127.0.0.1:1', routes: [] },
        { name: 'dup', base_url: 'http://127.0.0.1:1', routes: [{ method: 'GET', path: '/', tool: 'a' }] },
      ],
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^extra: unknown field/),
        expect.stringMatching(/^listen\.port: /),
        expect.stringMatching(/^upstreams\[0\]\.name: /),
        expect.stringMatching(/^upstreams\[0\]\.base_url: must be an http\(s\) URL/),
        expect.stringMatching(/^upstreams\[0\]\.credential\.template: must contain \{secret\}/),
        expect.stringMatching(/^upstreams\[0\]\.limits\.request_bytes: /),
        expect.stringMatching(/^upstreams\[0\]\.routes\[0\]\.method: /),
        expect.stringMatching(/^upstreams\[0\]\.routes\[0\]\.path: must start with "\/"/),
        expect.stringMatching(/^upstreams\[0\]\.routes\[0\]\.tool: /),
        expect.stringMatching(/^upstreams\[0\]\.routes\[1\]\.path: segment "%2e%2e"/),
        expect.stringMatching(/^upstreams\[0\]\.routes\[2\]\.path: parameter \{id\} appears twice/),
        expect.stringMatching(/^upstreams\[1\]\.routes: must be a non-empty list/),
        expect.stringMatching(/^upstreams\[2\]\.name: "dup" is used twice/),
      ]),
    );
    const withTemplate = problems({
      upstreams: [
        {
          name: 'p',
          base_url: 'http://127.0.0.1:1',
          routes: [
            {
              method: 'GET',
              path: '/a/{id}',
              tool: 'x.y',
              resource: 'r:{nope}',
              args: { a: 'path.nope', b: 'header.x' },
            },
          ],
        },
      ],
    });
    expect(withTemplate).toEqual([
      'upstreams[0].routes[0].resource: {nope} is not a parameter of the path template',
      'upstreams[0].routes[0].args.a: path.nope is not a parameter of the path template',
      expect.stringMatching(/^upstreams\[0\]\.routes\[0\]\.args\.b: must be "path\.<name>"/),
    ]);
  });

  it('actpass proxy --check reads YAML, exits 1 listing problems, 0 when valid', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'upstreams:\n  - name: p\n    base_url: nope\n    routes: []\n');
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };
    expect(await runCli(['proxy', '--config', bad, '--check'], io)).toBe(1);
    expect(err.join('\n')).toMatch(/upstreams\[0\]\.base_url: must be an http\(s\) URL/);
    expect(err.join('\n')).toMatch(/upstreams\[0\]\.routes: must be a non-empty list/);
    const good = join(dir, 'good.yaml');
    writeFileSync(
      good,
      'upstreams:\n  - name: p\n    base_url: http://127.0.0.1:9\n    routes:\n      - {method: GET, path: "/a/{id}", tool: x.y}\n',
    );
    expect(await runCli(['proxy', '--config', good, '--check'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/ok \(1 upstream/);
    expect(await runCli(['proxy', '--config', join(dir, 'missing.yaml')], io)).toBe(2);
  });
});
