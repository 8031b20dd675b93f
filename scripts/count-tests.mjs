// Adds up the test counts every runner wrote into the results folder (vitest JSON, pytest JUnit XML)
// and prints one closing line per runner plus a total, so CI logs show what actually ran.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;

for (const file of readdirSync(dir).sort()) {
  const text = readFileSync(join(dir, file), 'utf8');
  let p = 0;
  let f = 0;
  let s = 0;
  if (file.endsWith('.json')) {
    const report = JSON.parse(text);
    p = report.numPassedTests;
    f =
      report.numFailedTests +
      (report.numTotalTestSuites && report.success === false && report.numFailedTests === 0 ? 1 : 0);
    s = report.numPendingTests + report.numTodoTests;
  } else if (file.endsWith('.xml')) {
    const attr = (name) => Number(text.match(new RegExp(`<testsuite [^>]*${name}="(\\d+)"`))?.[1] ?? 0);
    const total = attr('tests');
    f = attr('failures') + attr('errors');
    s = attr('skipped');
    p = total - f - s;
  } else {
    continue;
  }
  passed += p;
  failed += f;
  skipped += s;
  console.log(`  ${file.replace(/\.(json|xml)$/, '').padEnd(32)} ${p} passed, ${f} failed, ${s} skipped`);
}

console.log(`total: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (passed === 0) {
  console.error('no test ran');
  process.exit(1);
}
process.exit(failed > 0 ? 1 : 0);
