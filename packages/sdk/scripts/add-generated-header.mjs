// Prepends the do-not-edit header to a generated file, so nobody mistakes it for hand-written code.
import { readFileSync, writeFileSync } from 'node:fs';

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: add-generated-header.mjs FILE');
  process.exit(2);
}
const header =
  '// Generated from packages/contract/openapi.yaml by openapi-typescript. Do not edit: run `pnpm gen`.\n';
const body = readFileSync(file, 'utf8');
writeFileSync(file, body.startsWith(header) ? body : header + body);
