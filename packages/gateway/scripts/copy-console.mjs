// Part of the gateway build: copies the built console (packages/console/dist) into dist/console/, where
// the bundled gateway serves it from at /console. Fails the build when the console was not built.
import { cpSync, existsSync } from 'node:fs';

const from = new URL('../../console/dist/', import.meta.url);
const to = new URL('../dist/console/', import.meta.url);
if (!existsSync(new URL('index.html', from))) {
  console.error('gateway build: the console is not built; run `pnpm --filter @actpass/console build` first.');
  process.exit(1);
}
cpSync(from, to, { recursive: true });
