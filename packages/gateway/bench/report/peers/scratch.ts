/**
 * Peers are installed into a scratch folder under the system temp directory with their own package
 * managers, pinned, never into the project's dependencies, lockfile or pyproject.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastLine, PYTHON, pythonMissing, SCRATCH_DIR } from '../paths.js';

/** `npm install name@version` into its own scratch folder; returns the folder or why it failed. */
export function npmScratch(name: string, version: string): { dir: string } | { skipped: string } {
  const dir = join(SCRATCH_DIR, `npm-${name.replace(/[@/]/g, '_')}-${version}`);
  if (existsSync(join(dir, 'node_modules', name, 'package.json'))) return { dir };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"private":true}');
  const run = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', `${name}@${version}`],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  );
  return run.status === 0
    ? { dir }
    : { skipped: `npm could not install ${name}@${version}: ${lastLine(run.stderr)}` };
}

/** `pip install --target` into its own scratch folder; returns the folder (for PYTHONPATH) or why not. */
export function pipScratch(requirement: string, probe: string): { dir: string } | { skipped: string } {
  const missing = pythonMissing();
  if (missing) return { skipped: missing };
  const dir = join(SCRATCH_DIR, `py-${requirement.replace(/[^A-Za-z0-9.]+/g, '_')}`);
  if (existsSync(join(dir, probe))) return { dir };
  mkdirSync(dir, { recursive: true });
  const run = spawnSync(
    PYTHON,
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', dir, requirement],
    {
      encoding: 'utf8',
    },
  );
  // pip may warn about the venv's own packages conflicting with the target's; the probe decides.
  return existsSync(join(dir, probe))
    ? { dir }
    : { skipped: `pip could not install ${requirement}: ${lastLine(run.stderr)}` };
}
