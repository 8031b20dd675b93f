import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { registryInstalls } from '../src/registry-installs.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Every page a reader may follow: the READMEs, the guides, the examples' and packages' READMEs. */
function pages(): string[] {
  const found = ['README.md', 'CONTRIBUTING.md', 'python/README.md'];
  for (const file of readdirSync(join(root, 'docs'))) if (file.endsWith('.md')) found.push(`docs/${file}`);
  for (const parent of ['packages', 'examples']) {
    for (const dir of readdirSync(join(root, parent), { withFileTypes: true })) {
      if (!dir.isDirectory()) continue;
      for (const file of readdirSync(join(root, parent, dir.name))) {
        if (file.endsWith('.md')) found.push(`${parent}/${dir.name}/${file}`);
      }
    }
  }
  found.push('examples/README.md');
  return found;
}

describe('registryInstalls', () => {
  it.each([
    ['pip install actpass', 'actpass'],
    ["python -m pip install 'actpass[async]>=0.1'", 'actpass'],
    ['uv add actpass', 'actpass'],
    ['npm install @actpass/sdk @actpass/gateway', '@actpass/sdk,@actpass/gateway'],
    ['npm i -D @actpass/sdk@0.1.0', '@actpass/sdk'],
    ['pnpm add @actpass/gateway', '@actpass/gateway'],
    ['npx actpass dev', 'actpass'],
    ['npx --yes @actpass/gateway dev', '@actpass/gateway'],
    ['run `npx actpass dev` in a terminal', 'actpass'],
    ['npm exec actpass -- dev', 'actpass'],
  ])('flags %s', (line, names) => {
    expect(
      registryInstalls(line)
        .map((found) => found.name)
        .join(','),
    ).toBe(names);
  });

  it.each([
    'npm install "$ACTPASS_DIST"/actpass-sdk-*.tgz "$ACTPASS_DIST"/actpass-edge-*.tgz "$ACTPASS_DIST"/actpass-gateway-*.tgz',
    '.venv/bin/pip install "$ACTPASS_DIST"/actpass-*.whl',
    'pip install /path/to/the/clone/dist/actpass-*.whl',
    "pip install -e 'python[dev]'",
    'npm install --save-dev tsx',
    'npx tsx quickstart.mts',
    'pnpm exec actpass dev',
    './node_modules/.bin/actpass dev',
  ])('lets %s through', (line) => {
    expect(registryInstalls(line)).toEqual([]);
  });
});

describe.each(pages())('%s', (page) => {
  it('installs nothing of ours from a registry', () => {
    const found = registryInstalls(readFileSync(join(root, page), 'utf8'));
    expect(found.map(({ line, text }) => `${page}:${line}: ${text.trim()}`)).toEqual([]);
  });
});
