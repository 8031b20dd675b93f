// Inspects tool definitions with the TypeScript inspection (@actpass/edge/inspect, built) and prints the
// findings. Input (stdin, JSON): {module, cases: [{tool, server?, catalog?}]}. Output (stdout, JSON): an
// array of findings arrays, one per case. python/tests/local/test_inspection.py compares actpass.local's.
import { readFileSync } from 'node:fs';

const input = JSON.parse(readFileSync(0, 'utf8'));
const { inspectToolDefinition } = await import(input.module);
const out = input.cases.map(({ tool, server, catalog }) =>
  inspectToolDefinition(tool, {
    ...(server !== undefined ? { server } : {}),
    ...(catalog !== undefined ? { catalog } : {}),
  }),
);
process.stdout.write(JSON.stringify(out));
