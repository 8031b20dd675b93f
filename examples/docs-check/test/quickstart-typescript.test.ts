import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeBlocks, program } from '../src/blocks.js';
import { type ServedGateway, serveGateway } from '../src/served-gateway.js';

const page = readFileSync(
  fileURLToPath(new URL('../../../docs/quickstart-typescript.md', import.meta.url)),
  'utf8',
);
// Inside this package, so the page's imports resolve to the workspace's @actpass packages.
const generated = fileURLToPath(new URL('../.generated/', import.meta.url));
const require = createRequire(import.meta.url);

let gateway: ServedGateway;
beforeAll(async () => {
  gateway = await serveGateway();
});
afterAll(() => gateway?.stop());

describe('docs/quickstart-typescript.md', () => {
  const { code, expected, count } = program(page, 'ts');
  const file = `${generated}quickstart.mts`;
  mkdirSync(generated, { recursive: true });
  writeFileSync(file, `${code}\n`);

  it('has ts blocks, each promising its output', () => {
    expect(count).toBeGreaterThanOrEqual(5);
    const ts = codeBlocks(page).filter((block) => block.lang === 'ts');
    // Only the client's construction prints nothing.
    expect(ts.filter((block) => block.prints === undefined).map((block) => block.line)).toHaveLength(1);
  });

  it('type-checks as written', () => {
    const tsc = require.resolve('typescript/bin/tsc');
    const args = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'esnext'];
    args.push('--moduleResolution', 'bundler', '--types', 'node', '--skipLibCheck', file);
    const result = spawnSync(process.execPath, [tsc, ...args], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
  });

  it('runs against `actpass dev` and prints what the page says', () => {
    // The reader's environment after step 2: the two variables `actpass dev` tells them to export.
    const env = { ...process.env, ACTPASS_BASE_URL: gateway.url, ACTPASS_API_KEY: gateway.keys.agent };
    const run = spawnSync(process.execPath, ['--import', 'tsx', file], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(expected.trim());
    // Step 7's unreachable gateway is also reported through the SDK's default logger, as the page says.
    expect(run.stderr).toContain('fail-closed decision');
  });
});
