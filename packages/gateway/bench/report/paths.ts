/** Where the report finds the repository, the Python environment and its scratch folder for peers. */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const GATEWAY_DIR = join(BENCH_DIR, '..');
export const REPO_DIR = join(GATEWAY_DIR, '../..');
export const BENCHMARKS_DOC = join(REPO_DIR, 'docs/benchmarks.md');
export const PYTHON = join(REPO_DIR, 'python/.venv/bin/python');
/** Peers and comparison packages go here, never into the project's dependencies or lockfile. */
export const SCRATCH_DIR = join(tmpdir(), 'actpass-bench-peers');

export function pythonMissing(): string | undefined {
  return existsSync(PYTHON) ? undefined : 'python/.venv is missing (run scripts/setup.sh)';
}

/** The last line of a child's stdout, parsed as JSON; undefined when it is not a JSON object. */
export function lastJsonLine<T>(stdout: string): T | undefined {
  const last = stdout.trim().split('\n').at(-1) ?? '';
  if (!last.startsWith('{')) return undefined;
  try {
    return JSON.parse(last) as T;
  } catch {
    return undefined;
  }
}

/** The last non-empty line of a child's stderr, for a one-line "skipped" note. */
export function lastLine(text: string | null | undefined): string {
  return (text ?? '').trim().split('\n').at(-1) || 'no output';
}
