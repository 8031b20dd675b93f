/**
 * Runs the `ts` blocks of every TypeScript page in docs/frameworks/ against `actpass dev` and compares
 * what they print with the page's `text` block. The pages' imports resolve to the workspace's
 * `@actpass/sdk` (its adapter subpaths) and to the frameworks installed in this package.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { program } from '../src/blocks.js';
import { type ServedGateway, serveGateway } from '../src/served-gateway.js';

const dir = fileURLToPath(new URL('../../../docs/frameworks/', import.meta.url));
const generated = fileURLToPath(new URL('../.generated/frameworks/', import.meta.url));
const require = createRequire(import.meta.url);
const pages = readdirSync(dir)
  .filter((name) => name.endsWith('.md'))
  .map((name) => ({ name, ...program(readFileSync(`${dir}${name}`, 'utf8'), 'ts') }))
  .filter((page) => page.count > 0);

mkdirSync(generated, { recursive: true });
const files = pages.map((page) => {
  const file = `${generated}${page.name.replace(/\.md$/, '')}.mts`;
  writeFileSync(file, `${page.code}\n`);
  return file;
});

let gateway: ServedGateway;
beforeAll(async () => {
  gateway = await serveGateway();
});
afterAll(() => gateway?.stop());

describe('docs/frameworks (TypeScript pages)', () => {
  it('has a runnable page for each TypeScript adapter', () => {
    expect(pages.map((page) => page.name).sort()).toEqual([
      'langchain.md',
      'mcp.md',
      'openai-agents.md',
      'vercel-ai.md',
    ]);
    for (const page of pages) expect(page.expected, page.name).toContain('BLOCKED refund.large_denied');
  });

  it('type-checks as written', () => {
    const tsc = require.resolve('typescript/bin/tsc');
    const args = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'esnext'];
    args.push('--moduleResolution', 'bundler', '--types', 'node', '--skipLibCheck', ...files);
    const result = spawnSync(process.execPath, [tsc, ...args], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
  }, 120_000);

  for (const [i, page] of pages.entries()) {
    it(`${page.name} runs against \`actpass dev\` and prints what the page says`, () => {
      const env = { ...process.env, ACTPASS_BASE_URL: gateway.url, ACTPASS_API_KEY: gateway.keys.agent };
      const run = spawnSync(process.execPath, ['--import', 'tsx', files[i]!], {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env,
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout.trim()).toBe(page.expected.trim());
    }, 60_000);
  }
});
