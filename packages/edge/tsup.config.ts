import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

// Every `dependencies` entry stays external; turbo builds the SDK's dist before this package.
export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      'cli/index': 'src/cli/index.ts',
      'text/index': 'src/text/index.ts',
      'inspect/index': 'src/inspect/index.ts',
      'tracing/index': 'src/tracing/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
  },
  {
    entry: { main: 'src/main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    define: { __ACTPASS_VERSION__: JSON.stringify(version) },
  },
  {
    // Claude Code starts the hook once per tool call: one file, and only the modules a decision needs.
    entry: { 'hook-main': 'src/hook-main.ts' },
    format: ['esm'],
    splitting: false,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
