/**
 * bin/actpass.js, the committed executable: the built CLI when there is one, the TypeScript source
 * through tsx in a checkout that is not built yet (so `pnpm exec actpass` works right after set-up).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const gateway = resolve(__dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'actpass-bin-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A package folder with the real shim and the gateway's node_modules (for tsx), and nothing built. */
function packageDir(name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'src'));
  copyFileSync(join(gateway, 'bin', 'actpass.js'), join(dir, 'bin', 'actpass.js'));
  symlinkSync(join(gateway, 'node_modules'), join(dir, 'node_modules'));
  const source =
    "const args: string[] = process.argv.slice(2);\nconsole.log('source', args.join(' '));\nprocess.exitCode = 3;\n";
  writeFileSync(join(dir, 'src', 'cli.ts'), source);
  return dir;
}

function run(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [join(dir, 'bin', 'actpass.js'), ...args], { encoding: 'utf8' });
}

describe('bin/actpass.js', () => {
  it('runs the TypeScript source when nothing is built, passing arguments and the exit code through', () => {
    const dir = packageDir('unbuilt');
    const result = run(dir, 'dev', '--quiet');
    expect([result.stdout, result.status]).toEqual(['source dev --quiet\n', 3]);
  });

  it('runs dist/cli.js once it is built', () => {
    const dir = packageDir('built');
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'cli.js'), "console.log('built', process.argv.slice(2).join(' '));\n");
    const result = run(dir, '--version');
    expect([result.stdout, result.status]).toEqual(['built --version\n', 0]);
  });
});
