#!/usr/bin/env node
// The `actpass-edge` executable. It is committed (not built) so that installing links it even before `dist/`
// exists. It runs the built CLI; in a checkout where nothing is built yet it runs the TypeScript source
// through tsx, so `pnpm exec actpass …` works right after set-up. A packed install always has `dist/`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/main.js', import.meta.url);
const source = new URL('../src/main.ts', import.meta.url);

if (existsSync(built)) {
  await import(built.href);
} else if (existsSync(source)) {
  let tsx;
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    process.stderr.write(
      'actpass-edge: not built and tsx is missing; run `pnpm exec turbo run build` first.\n',
    );
    process.exit(2);
  }
  const args = ['--import', tsx, fileURLToPath(source), ...process.argv.slice(2)];
  const child = spawn(process.execPath, args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
} else {
  process.stderr.write(
    'actpass-edge: the package has no dist/; reinstall it or run `bash scripts/pack.sh`.\n',
  );
  process.exit(2);
}
