// The console's size budget: every file the gateway serves, minified and gzip-compressed (level 9),
// must total at most 80 kB. Prints one line per file and the total; exits 1 over budget.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 80 * 1024;
const dist = new URL('../dist/', import.meta.url);
let raw = 0;
let gzipped = 0;
const rows = [];
for (const name of readdirSync(dist).sort()) {
  const bytes = readFileSync(new URL(name, dist));
  const gz = gzipSync(bytes, { level: 9 }).byteLength;
  raw += bytes.byteLength;
  gzipped += gz;
  rows.push(
    `  ${name.padEnd(12)} ${String(bytes.byteLength).padStart(8)} B min  ${String(gz).padStart(7)} B gzip`,
  );
}
console.log('console size (dist/):');
for (const row of rows) console.log(row);
const kb = (n) => (n / 1024).toFixed(1);
console.log(`  total        ${kb(raw)} kB min  ${kb(gzipped)} kB gzip (budget ${kb(BUDGET_BYTES)} kB)`);
if (process.argv.includes('--json')) console.log(JSON.stringify({ raw, gzipped, budget: BUDGET_BYTES }));
if (gzipped > BUDGET_BYTES) {
  console.error(`console: ${kb(gzipped)} kB gzip is over the ${kb(BUDGET_BYTES)} kB budget.`);
  process.exit(1);
}
