#!/usr/bin/env node
// The `actpass` executable. It is committed (not built) so that installing the workspace links it even
// before `dist/` exists; it only loads the built CLI, and says how to build it when that is missing.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'actpass: the gateway is not built yet; run `pnpm exec turbo run build` in the repository ' +
      '(or `bash scripts/pack.sh`), then try again.\n',
  );
  process.exit(2);
}
await import(cli.href);
