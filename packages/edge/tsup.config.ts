import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig } from 'tsup';

const WEB_TREE_SITTER_CJS = createRequire(import.meta.url).resolve('web-tree-sitter');

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
    // The coding agent (Claude Code, Cursor, Gemini CLI) starts the hook once per tool call: one
    // CommonJS file holding everything a decision needs (the SDK client and web-tree-sitter included),
    // so `bin/actpass-hook.js` compiles a single script it can keep V8's code cache for, and Node
    // resolves no package at start.
    entry: { 'hook-main': 'src/hook-main.ts' },
    format: ['cjs'],
    outExtension: () => ({ js: '.cjs' }),
    splitting: false,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    noExternal: ['@actpass/sdk', 'web-tree-sitter'],
    esbuildOptions(options) {
      // The package's CommonJS build finds its WebAssembly beside itself (`__dirname`), that is in
      // dist/, where scripts/copy-grammar.mjs puts it; its ES module build would look for import.meta.
      options.alias = { 'web-tree-sitter': WEB_TREE_SITTER_CJS };
      // A script compiled by the bin has no module loader behind `import()`: each becomes a require.
      options.supported = { ...options.supported, 'dynamic-import': false };
    },
  },
]);
