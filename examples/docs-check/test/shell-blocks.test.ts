/**
 * The quickstarts' shell lines cannot run offline (they install from the registries), so each is held
 * to what it claims: the packages it installs exist under those names, and the CLI it starts has that
 * binary and command. A new kind of shell line fails here until a check is added for it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeBlocks } from '../src/blocks.js';

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const require = createRequire(import.meta.url);
const gatewayManifest = require('@actpass/gateway/package.json') as {
  name: string;
  bin: Record<string, string>;
};
const sdkManifest = require('@actpass/sdk/package.json') as { name: string };
const pyproject = readFileSync(root('python/pyproject.toml'), 'utf8');
const usage = readFileSync(root('packages/gateway/src/cli/usage.ts'), 'utf8');

const CHECKS: Array<[RegExp, (match: RegExpMatchArray) => void]> = [
  [/^npm install (.+)$/, (m) => expect(m[1]!.split(' ')).toEqual(expect.arrayContaining([sdkManifest.name]))],
  [/^pip install (\S+)$/, (m) => expect(pyproject).toContain(`name = "${m[1]}"`)],
  [
    /^npx (?:actpass|@actpass\/gateway) dev$/,
    () => {
      expect(Object.keys(gatewayManifest.bin)).toContain('actpass');
      expect(usage).toContain('actpass dev [--host 127.0.0.1] [--port 8787]');
    },
  ],
  [
    /^export ACTPASS_BASE_URL=http:\/\/127\.0\.0\.1:8787 ACTPASS_API_KEY=ak_dev_acme_agent_\.\.\.$/,
    () => expect(usage).toContain('--port 8787'),
  ],
];

describe.each(['docs/quickstart-typescript.md', 'docs/quickstart-python.md'])('%s shell lines', (doc) => {
  const lines = codeBlocks(readFileSync(root(doc), 'utf8'))
    .filter((block) => block.lang === 'sh')
    .flatMap((block) => block.code.split('\n'));

  it.each(lines)('%s', (line) => {
    const check = CHECKS.find(([pattern]) => pattern.test(line));
    expect(check, `no check for the shell line "${line}"`).toBeDefined();
    check![1](line.match(check![0])!);
  });

  it('installs the packages this repository builds', () => {
    expect(gatewayManifest.name).toBe('@actpass/gateway');
    expect(lines.some((line) => line.startsWith('npm install') || line.startsWith('pip install'))).toBe(true);
  });
});
