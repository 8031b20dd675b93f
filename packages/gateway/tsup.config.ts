import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

// Runtime dependencies (ajv, ajv-formats, @actpass/sdk/canonical) stay external: tsup leaves every
// `dependencies` entry out of the bundle, and turbo builds the SDK's dist before this package.
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    // import.meta.url (where the bundled console files are) also works in the CommonJS build.
    shims: true,
    dts: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    define: { __ACTPASS_VERSION__: JSON.stringify(version) },
  },
  {
    // The ledger verification worker sits beside the bundles, where verify-file-text.ts looks for it.
    entry: { cli: 'src/cli.ts', 'chain-worker': 'src/ledger/chain-worker.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    define: { __ACTPASS_VERSION__: JSON.stringify(version) },
  },
]);
