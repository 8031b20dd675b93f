/**
 * Each of the quickstarts' shell lines is held to what it claims: the files it installs are the ones
 * scripts/pack.sh builds, and the CLI it starts has that binary and command. A new kind of shell line
 * fails here until a check is added for it (and until scratch/ knows how to run it).
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

/** What `pnpm pack` names a package's tarball: `@actpass/sdk` → `actpass-sdk-<version>.tgz`. */
const tarball = (name: string) => `"$ACTPASS_DIST"/${name.replace('@', '').replace('/', '-')}-*.tgz`;
const pack = readFileSync(root('scripts/pack.sh'), 'utf8');

const CHECKS: Array<[RegExp, (match: RegExpMatchArray) => void]> = [
  [/^# in (?:the clone|your project)$/, () => undefined],
  [/^bash scripts\/pack\.sh$/, () => expect(pack).toContain('default_out=dist')],
  [/^export ACTPASS_DIST="\$PWD\/dist"$/, () => expect(pack).toContain('default_out=dist')],
  [/^npm init -y$/, () => undefined],
  [
    /^npm install (.+)$/,
    (m) => {
      const files = m[1]!.split(' ');
      if (files[0] === '--save-dev') return expect(files).toEqual(['--save-dev', 'tsx']);
      // The gateway's CLI composes the edge's commands, so its tarball needs the edge's beside it.
      expect(pack).toContain('for pkg in sdk edge gateway; do');
      expect(files).toEqual([
        tarball(sdkManifest.name),
        tarball('@actpass/edge'),
        tarball(gatewayManifest.name),
      ]);
    },
  ],
  [/^python3 -m venv \.venv$/, () => undefined],
  [
    /^\.venv\/bin\/pip install "\$ACTPASS_DIST"\/(\w+)-\*\.whl$/,
    (m) => expect(pyproject).toContain(`name = "${m[1]}"`),
  ],
  [
    /^(?:\.\/node_modules\/\.bin\/actpass|pnpm exec actpass) dev$/,
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

  it('installs the files this repository builds', () => {
    expect(gatewayManifest.name).toBe('@actpass/gateway');
    expect(lines).toContain('bash scripts/pack.sh');
    expect(lines.some((line) => /(?:npm|pip) install "\$ACTPASS_DIST"/.test(line))).toBe(true);
  });
});
