/**
 * README → quickstart, literally, in a new project outside the repository: the pages' shell lines build
 * the artefacts in this clone and install them into a temporary npm project and a temporary venv, then
 * the pages' code runs there against the `actpass dev` the page starts, and prints what the page says.
 * Slow (it packs and installs), so it is its own step of scripts/test.sh: `pnpm run test:scratch`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { program } from '../src/blocks.js';
import { followShellLines, reader, stopGateways } from '../src/follow-page.js';

const clone = fileURLToPath(new URL('../../../', import.meta.url));
const readme = readFileSync(join(clone, 'README.md'), 'utf8');
const page = (name: string) => readFileSync(join(clone, 'docs', name), 'utf8');
// The reader's environment: no variables of ours, nothing of the workspace on the module paths.
const readerEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    (entry): entry is [string, string] =>
      entry[1] !== undefined && !/^(ACTPASS_|NODE_PATH$|PYTHONPATH$|VIRTUAL_ENV$|npm_)/.test(entry[0]),
  ),
);

function run(command: string, args: string[], cwd: string, env: Record<string, string>) {
  return spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
}

it('the README sends a new user to the pack command and the quickstarts', () => {
  expect(readme).toContain('`bash scripts/pack.sh`');
  expect(readme).toContain('docs/quickstart-typescript.md');
  expect(readme).toContain('docs/quickstart-python.md');
});

describe('docs/quickstart-typescript.md in a new npm project', () => {
  const markdown = page('quickstart-typescript.md');
  const project = mkdtempSync(join(tmpdir(), 'actpass-scratch-ts-'));
  const followed = reader(readerEnv);
  beforeAll(() => followShellLines(markdown, { clone, project }, followed));
  afterAll(async () => {
    await stopGateways(followed);
    rmSync(project, { recursive: true, force: true });
  });

  it('runs as the page says and prints what it promises', () => {
    expect(markdown).toContain('`npx tsx quickstart.mts`');
    const { code, expected } = program(markdown, 'ts');
    writeFileSync(join(project, 'quickstart.mts'), `${code}\n`);
    const done = run('npx', ['tsx', 'quickstart.mts'], project, followed.env);
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout.trim()).toBe(expected.trim());
  });

  it('type-checks against the packed packages with skipLibCheck off (no @types/pg needed)', () => {
    const tools = run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--save-dev', 'typescript@~5.9.3', '@types/node@^20.19.0'],
      project,
      followed.env,
    );
    expect(tools.status, tools.stderr).toBe(0);
    const tsconfig = {
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        types: ['node'],
      },
      files: ['quickstart.mts'],
    };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = run('npx', ['tsc', '-p', '.'], project, followed.env);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });
});

describe('docs/quickstart-python.md in a new venv', () => {
  const markdown = page('quickstart-python.md');
  const project = mkdtempSync(join(tmpdir(), 'actpass-scratch-py-'));
  const followed = reader(readerEnv);
  beforeAll(() => followShellLines(markdown, { clone, project }, followed));
  afterAll(async () => {
    await stopGateways(followed);
    rmSync(project, { recursive: true, force: true });
  });

  it('runs as the page says and prints what it promises', () => {
    expect(markdown).toContain('`.venv/bin/python quickstart.py`');
    const { code, expected } = program(markdown, 'python', '#');
    writeFileSync(join(project, 'quickstart.py'), `${code}\n`);
    const done = run('.venv/bin/python', ['quickstart.py'], project, followed.env);
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout.trim()).toBe(expected.trim());
  });

  it('imports the client from the venv, not from this repository', () => {
    const where = run(
      '.venv/bin/python',
      ['-c', 'import actpass, sys; print(actpass.__file__)'],
      project,
      followed.env,
    );
    expect(where.stdout.trim().startsWith(join(project, '.venv'))).toBe(true);
  });
});
