/**
 * The `actpass` executable. The shebang is added by tsup (tsup.config.ts) so this file stays plain.
 */
import { runCli } from './cli/index.js';

declare const __ACTPASS_VERSION__: string | undefined;
const version = typeof __ACTPASS_VERSION__ === 'string' ? __ACTPASS_VERSION__ : 'dev';

runCli(process.argv.slice(2), undefined, version).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`actpass: ${String(error)}\n`);
    process.exitCode = 2;
  },
);
