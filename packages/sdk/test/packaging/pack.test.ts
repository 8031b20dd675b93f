import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PKG = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'actpass-pack-'));
let tarball = '';

const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

// A consumer's smoke test: import both entries, then a decision with no API key must fail closed.
const SMOKE = (load: string) => `${load}
const client = new ActPass({ apiKey: '', baseUrl: 'http://127.0.0.1:9' });
client.preflight({ goal: 'g', tool: 't' }).then((d) => {
  console.log(JSON.stringify({ decision: d.decision, reason: d.reason_code, canonical: canonicalize({ b: 1, a: [true] }) }));
});`;

function scratch(name: string, type: 'module' | 'commonjs') {
  const dir = join(work, name);
  run('mkdir', ['-p', dir], work);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], dir);
  return dir;
}

beforeAll(() => {
  if (!existsSync(join(PKG, 'dist/index.js'))) run('pnpm', ['build'], PKG);
  run('pnpm', ['pack', '--pack-destination', work], PKG);
  const file = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!file) throw new Error('pnpm pack wrote no tarball');
  tarball = join(work, file);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('packaging', () => {
  it('keeps Node built-ins out of the default entry (edge runtimes)', () => {
    for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/canonical.js']) {
      const code = readFileSync(join(PKG, file), 'utf8');
      expect(code, file).not.toMatch(/["']node:/);
      expect(code, file).not.toMatch(
        /require\(["'](crypto|fs|path|http|https|net|os|url|util|stream|buffer)["']\)/,
      );
      expect(code, file).not.toMatch(
        /from ["'](crypto|fs|path|http|https|net|os|url|util|stream|buffer)["']/,
      );
    }
  });

  it('imports from a scratch ESM project', () => {
    const dir = scratch('esm-consumer', 'module');
    writeFileSync(
      join(dir, 'main.js'),
      SMOKE(
        "import { ActPass } from '@actpass/sdk';\nimport { canonicalize } from '@actpass/sdk/canonical';",
      ),
    );
    const out = JSON.parse(run('node', ['main.js'], dir));
    expect(out).toEqual({
      decision: 'deny',
      reason: 'client.misconfigured',
      canonical: '{"a":[true],"b":1}',
    });
  }, 120_000);

  it('requires from a scratch CommonJS project', () => {
    const dir = scratch('cjs-consumer', 'commonjs');
    writeFileSync(
      join(dir, 'main.js'),
      SMOKE(
        "const { ActPass } = require('@actpass/sdk');\nconst { canonicalize } = require('@actpass/sdk/canonical');",
      ),
    );
    const out = JSON.parse(run('node', ['main.js'], dir));
    expect(out).toEqual({
      decision: 'deny',
      reason: 'client.misconfigured',
      canonical: '{"a":[true],"b":1}',
    });
  }, 120_000);
});
