// Turns packages/contract/openapi.yaml into a TypeScript module holding the contract as data, so the
// gateway validates requests against the very document the SDKs are generated from, without reading
// YAML at run time.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const source = resolve(here, '../../contract/openapi.yaml');
const target = resolve(here, '../src/generated/contract.ts');

const document = parse(readFileSync(source, 'utf8'));
const toolName = document.components.schemas.ToolNameString;
if (typeof toolName?.pattern !== 'string' || typeof toolName.maxLength !== 'number') {
  throw new Error('openapi.yaml: components.schemas.ToolNameString needs a pattern and a maxLength');
}
const text = [
  '// Generated from packages/contract/openapi.yaml by scripts/gen-contract.mjs. Do not edit: run `pnpm gen`.',
  '',
  `export const contractVersion = ${JSON.stringify(document.info.version)};`,
  '',
  '/** The tool-name pattern and length of the contract (ToolNameString): the gateway checks names with these. */',
  `export const toolNamePattern = ${JSON.stringify(toolName.pattern)};`,
  `export const toolNameMaxLength = ${JSON.stringify(toolName.maxLength)};`,
  '',
  `export const contract = ${JSON.stringify(document, null, 2)};`,
  '',
].join('\n');
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, text);
