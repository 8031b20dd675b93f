/**
 * The two offline verifiers, run as an auditor would run them: separate processes that see only the
 * export file and the JWKS file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Verifier {
  name: string;
  run(cwd: string, exportFile: string, jwksFile: string): { exitCode: number; output: string };
}

/** The repository's Python venv (made by scripts/setup.sh); ACTPASS_PYTHON overrides it. */
const PYTHON =
  process.env.ACTPASS_PYTHON ?? fileURLToPath(new URL('../../../python/.venv/bin/python', import.meta.url));

export function verifiers(): Verifier[] {
  const gatewayCli = join(
    dirname(createRequire(import.meta.url).resolve('@actpass/gateway/package.json')),
    'dist',
    'cli.js',
  );
  if (!existsSync(PYTHON)) {
    throw new Error(`no Python at ${PYTHON}: run \`bash scripts/setup.sh\` (or set ACTPASS_PYTHON)`);
  }
  return [
    {
      name: 'actpass ledger verify (Node)',
      run: (cwd, exportFile, jwksFile) =>
        spawn(process.execPath, [gatewayCli, 'ledger', 'verify', exportFile, '--jwks', jwksFile], cwd),
    },
    {
      name: 'python -m actpass verify-export (Python)',
      run: (cwd, exportFile, jwksFile) =>
        spawn(PYTHON, ['-m', 'actpass', 'verify-export', exportFile, '--jwks', jwksFile], cwd),
    },
  ];
}

function spawn(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.error) throw result.error;
  return { exitCode: result.status ?? -1, output: `${result.stdout}${result.stderr}`.trim() };
}
