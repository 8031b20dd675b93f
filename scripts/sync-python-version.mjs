#!/usr/bin/env node
// Gives the Python package the version changesets just gave the npm packages, so one release has one
// version in both registries. Run by the root `version` script after `changeset version`:
//
//   node scripts/sync-python-version.mjs [--root DIR] [--check]
//
// The source of truth is packages/sdk/package.json (sdk and gateway are a `fixed` changeset group).
// It rewrites `version` in python/pyproject.toml's [project] table and `__version__` in
// python/src/actpass/_version.py. npm pre-releases become PEP 440 ones (1.2.0-rc.1 → 1.2.0rc1).
// --check changes nothing and exits 1 when a file is out of date (for CI). --root exists for tests.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PEP440_PRE = {
  alpha: 'a',
  a: 'a',
  beta: 'b',
  b: 'b',
  rc: 'rc',
  next: '.dev',
  canary: '.dev',
  dev: '.dev',
};

/** npm semver → PEP 440. Build metadata has no place in a release version, so it is refused. */
export function toPep440(version) {
  const match = /^(\d+\.\d+\.\d+)(?:-([0-9A-Za-z-]+)(?:\.(\d+))?)?$/.exec(version);
  if (!match) throw new Error(`"${version}" is not a release version this script can map to PEP 440`);
  const [, release, tag, number] = match;
  if (!tag) return release;
  const pre = PEP440_PRE[tag];
  if (!pre)
    throw new Error(`pre-release tag "${tag}" in "${version}" has no PEP 440 form; use alpha, beta or rc`);
  return `${release}${pre}${number ?? '0'}`;
}

/** The [project] table of a pyproject.toml: from its header to the next table header. */
function projectTable(text) {
  const start = text.search(/^\[project\]\s*$/m);
  if (start < 0) return undefined;
  const next = text.slice(start + 1).search(/^\[/m);
  return { start, end: next < 0 ? text.length : start + 1 + next };
}

/** Each place the version lives: how to find it (a span of the file and a pattern in it). */
const TARGETS = [
  {
    file: 'python/pyproject.toml',
    what: 'version in the [project] table',
    span: projectTable,
    pattern: /^(version\s*=\s*")([^"]*)(")/m,
  },
  {
    file: 'python/src/actpass/_version.py',
    what: '__version__',
    span: (text) => ({ start: 0, end: text.length }),
    pattern: /^(__version__\s*=\s*")([^"]*)(")/m,
  },
];

export function syncPythonVersion({ root, check = false }) {
  const npmVersion = JSON.parse(readFileSync(join(root, 'packages/sdk/package.json'), 'utf8')).version;
  const version = toPep440(npmVersion);
  const changes = [];
  for (const { file, what, span, pattern } of TARGETS) {
    const path = join(root, file);
    const text = readFileSync(path, 'utf8');
    const range = span(text);
    const part = range && text.slice(range.start, range.end);
    const match = part && pattern.exec(part);
    if (!match) throw new Error(`${file}: cannot find ${what}; has the file's layout changed?`);
    if (match[2] === version) continue;
    changes.push({ file, from: match[2], to: version });
    const updated = part.replace(pattern, `$1${version}$3`);
    if (!check) writeFileSync(path, text.slice(0, range.start) + updated + text.slice(range.end));
  }
  return { npmVersion, version, changes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const rootFlag = args.indexOf('--root');
  const root =
    rootFlag >= 0 ? resolve(args[rootFlag + 1] ?? '.') : fileURLToPath(new URL('..', import.meta.url));
  const check = args.includes('--check');
  try {
    const { npmVersion, version, changes } = syncPythonVersion({ root, check });
    for (const { file, from, to } of changes) {
      console.log(`${check ? 'out of date' : 'updated'}: ${file} ${from} → ${to}`);
    }
    if (changes.length === 0) console.log(`python version ${version} matches @actpass/sdk ${npmVersion}`);
    process.exit(check && changes.length > 0 ? 1 : 0);
  } catch (error) {
    console.error(`sync-python-version: ${error.message}`);
    process.exit(2);
  }
}
