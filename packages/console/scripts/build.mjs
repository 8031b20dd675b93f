// Builds the console into dist/: index.html, app.js (one ES module, minified), app.css, icon.svg.
// No code splitting, no source maps in dist (the gateway serves exactly these files), nothing inline.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const dist = new URL('../dist/', import.meta.url);
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: { app: new URL('../src/main.tsx', import.meta.url).pathname },
  outdir: dist.pathname,
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome115', 'firefox115', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning',
});
for (const file of ['index.html', 'icon.svg']) {
  copyFileSync(new URL(`../src/${file}`, import.meta.url), new URL(file, dist));
}
