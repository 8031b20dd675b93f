// Copies tree-sitter's Bash grammar (WebAssembly) into dist/, where the hook's parser looks first, so
// the published package carries the 1.3 MB grammar instead of depending on tree-sitter-bash (20 MB,
// with a native build script no install of the edge needs). The hook's single-file bundle
// (dist/hook-main.cjs) carries web-tree-sitter's JavaScript, which loads its own WebAssembly runtime
// from beside itself: that file is copied too.
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
copyFileSync(
  require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'),
  new URL('../dist/tree-sitter-bash.wasm', import.meta.url),
);
copyFileSync(
  require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
  new URL('../dist/web-tree-sitter.wasm', import.meta.url),
);
