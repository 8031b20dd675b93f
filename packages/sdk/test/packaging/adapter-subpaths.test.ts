/**
 * The adapter entries as a user installs them: from the packed tarball into scratch projects. Under
 * TypeScript's `node10` resolution (no `exports` support) the subpaths resolve through `typesVersions`,
 * and npm accepts the SDK next to the current major of a framework whose adapter the project never
 * imports (the peers are optional and their ranges include it).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PKG = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(PKG, 'node_modules/typescript/bin/tsc');
const work = mkdtempSync(join(tmpdir(), 'actpass-subpaths-'));
let tarball = '';

const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(() => {
  run('pnpm', ['pack', '--pack-destination', work], PKG);
  const file = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!file) throw new Error('pnpm pack wrote no tarball');
  tarball = join(work, file);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('adapter subpaths', () => {
  it('resolve under moduleResolution node10', () => {
    const dir = join(work, 'node10');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'node10-consumer', private: true }));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], dir);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'commonjs',
          moduleResolution: 'node10',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true, // the frameworks themselves are not installed here
        },
        files: ['main.ts'],
      }),
    );
    const lines = ['ai', 'openai-agents', 'langchain', 'mcp', 'mastra', 'llamaindex', 'google-adk'].map(
      (sub, i) => `import { blockedText as b${i} } from '@actpass/sdk/${sub}';`,
    );
    writeFileSync(
      join(dir, 'main.ts'),
      `${lines.join('\n')}\nimport { canonicalize } from '@actpass/sdk/canonical';\nexport const all = [b0, b1, b2, b3, b4, b5, b6, canonicalize];\n`,
    );
    let output = '';
    try {
      output = run('node', [TSC, '-p', '.'], dir);
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).not.toMatch(/TS2307|Cannot find module/);
    expect(output.trim()).toBe('');
  }, 120_000);

  it('every framework peer is optional and the AI SDK range takes majors 6 and 7', () => {
    const manifest = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8'));
    for (const name of Object.keys(manifest.peerDependencies)) {
      expect(manifest.peerDependenciesMeta[name], name).toEqual({ optional: true });
    }
    expect(manifest.peerDependencies.ai).toBe('>=6.0.0 <8');
    // Mastra: the current major, from the first release whose tool context carries the stored suspension.
    expect(manifest.peerDependencies['@mastra/core']).toBe('>=1.68.0 <2');
    // LlamaIndex.TS: the agent workflows' current major, from the release the adapter is tested with.
    expect(manifest.peerDependencies['@llamaindex/workflow']).toBe('>=1.1.24 <2');
    // Google ADK for TypeScript: the current major, the one the adapter is tested with (2.0.0).
    expect(manifest.peerDependencies['@google/adk']).toBe('^2.0.0');
  });

  it('npm installs the SDK in a project on ai 7 without ERESOLVE', () => {
    const dir = join(work, 'ai7');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'ai7-consumer', private: true, dependencies: { ai: '7.0.185' } }),
    );
    // Resolution only: the lockfile npm would write, no packages fetched or scripts run.
    run(
      'npm',
      [
        'install',
        '--package-lock-only',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        tarball,
      ],
      dir,
    );
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/ai'].version).toBe('7.0.185');
    expect(lock.packages['node_modules/@actpass/sdk']).toBeDefined();
  }, 120_000);
});
