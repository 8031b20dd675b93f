import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toPep440 } from '../../../scripts/sync-python-version.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts/sync-python-version.mjs');
const FILES = ['packages/sdk/package.json', 'python/pyproject.toml', 'python/src/actpass/_version.py'];

const digest = (root: string) =>
  FILES.map((file) =>
    createHash('sha256')
      .update(readFileSync(join(root, file)))
      .digest('hex'),
  );
const sync = (root: string, ...flags: string[]) =>
  spawnSync(process.execPath, [SCRIPT, '--root', root, ...flags], { encoding: 'utf8' });

let scratch: string;
let realBefore: string[];
beforeEach(() => {
  realBefore = digest(ROOT);
  scratch = mkdtempSync(join(tmpdir(), 'actpass-version-'));
  for (const file of FILES) {
    mkdirSync(dirname(join(scratch, file)), { recursive: true });
    cpSync(join(ROOT, file), join(scratch, file));
  }
});
afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
  // The tests only ever touch the scratch copy.
  expect(digest(ROOT)).toEqual(realBefore);
});

function bumpSdk(version: string) {
  const file = join(scratch, 'packages/sdk/package.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, `${JSON.stringify({ ...manifest, version }, null, 2)}\n`);
}
const pythonVersions = () => ({
  pyproject: readFileSync(join(scratch, 'python/pyproject.toml'), 'utf8').match(/^version = "(.*)"$/m)?.[1],
  module: readFileSync(join(scratch, 'python/src/actpass/_version.py'), 'utf8').match(
    /__version__ = "(.*)"/,
  )?.[1],
});

describe('scripts/sync-python-version.mjs', () => {
  it('copies the SDK version into pyproject.toml and actpass.__version__, touching nothing else', () => {
    const pyprojectBefore = readFileSync(join(scratch, 'python/pyproject.toml'), 'utf8');
    bumpSdk('1.4.0');
    const run = sync(scratch);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('updated: python/pyproject.toml');
    expect(pythonVersions()).toEqual({ pyproject: '1.4.0', module: '1.4.0' });
    // Only the [project] version line changed (dependency pins and tool versions are left alone).
    const after = readFileSync(join(scratch, 'python/pyproject.toml'), 'utf8');
    expect(after.split('\n').filter((line, i) => line !== pyprojectBefore.split('\n')[i])).toEqual([
      'version = "1.4.0"',
    ]);
  });

  it('maps npm pre-releases to PEP 440', () => {
    bumpSdk('2.0.0-rc.3');
    expect(sync(scratch).status).toBe(0);
    expect(pythonVersions()).toEqual({ pyproject: '2.0.0rc3', module: '2.0.0rc3' });
    expect([
      toPep440('1.0.0-beta.1'),
      toPep440('1.0.0-alpha.0'),
      toPep440('1.0.0-next.4'),
      toPep440('3.1.4'),
    ]).toEqual(['1.0.0b1', '1.0.0a0', '1.0.0.dev4', '3.1.4']);
    expect(() => toPep440('1.0.0-snapshot.1')).toThrow(/no PEP 440 form/);
    expect(() => toPep440('1.0.0+build.5')).toThrow(/not a release version/);
  });

  it('--check reports drift without writing, and passes once synced', () => {
    bumpSdk('0.9.0');
    const stale = sync(scratch, '--check');
    expect(stale.status).toBe(1);
    expect(stale.stdout).toContain('out of date: python/src/actpass/_version.py');
    expect(pythonVersions().module).not.toBe('0.9.0');
    sync(scratch);
    expect(sync(scratch, '--check').status).toBe(0);
  });

  it('fails with a message when a version cannot be found', () => {
    writeFileSync(join(scratch, 'python/src/actpass/_version.py'), 'VERSION = "0.1.0"\n');
    const run = sync(scratch);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('python/src/actpass/_version.py: cannot find __version__');
  });

  it('is wired into the release flow, and the repository is in sync now', () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts;
    expect(scripts.version).toBe('changeset version && node scripts/sync-python-version.mjs');
    const run = spawnSync(process.execPath, [SCRIPT, '--check'], { encoding: 'utf8' });
    expect(run.status, run.stdout).toBe(0);
  });
});
