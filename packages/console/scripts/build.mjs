// Builds the console into dist/ (or the directory given): index.html, app.js (one ES module,
// minified), app.css, icon.svg. No code splitting, no source maps in dist (the gateway serves exactly
// these files), nothing inline. The browser tests build into a directory of their own with
// buildConsole(), so they never race a build of dist/ that another package's tests are serving.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** @param {URL} dist where the built files go (emptied first) */
export async function buildConsole(dist) {
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
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildConsole(new URL('../dist/', import.meta.url));
}
