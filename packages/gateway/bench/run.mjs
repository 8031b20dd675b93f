/**
 * Runs every `*.bench.*` file in this folder, one after another: `.mjs`/`.js` with node, `.ts` with
 * tsx. Pass words to run only the benches whose file name contains one of them:
 *   node bench/run.mjs            # all
 *   node bench/run.mjs http ledger
 * Exits non-zero if any bench failed, after running the rest.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((name) => /\.bench\.(mjs|js|ts)$/.test(name))
  .filter((name) => filters.length === 0 || filters.some((word) => name.includes(word)))
  .sort();

const failed = [];
for (const name of benches) {
  console.log(`\n=== ${name} ===`);
  const args = name.endsWith('.ts') ? ['--import', 'tsx', join(here, name)] : [join(here, name)];
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: join(here, '..') });
  if (result.status !== 0) failed.push(`${name} (exit ${result.status ?? result.signal})`);
}
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
