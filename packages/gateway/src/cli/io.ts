import { readFileSync } from 'node:fs';
import { parseJsonStrict } from '@actpass/sdk/canonical';
import { UsageError } from './errors.js';

/** Reads and strictly parses a JSON file, or fails with a message naming the file and what to fix. */
export function readJsonFile(file: string | undefined, what: string): unknown {
  if (!file) throw new UsageError(`missing ${what}: give the path to a JSON file.`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(code);
    throw new UsageError(`cannot read ${what} ${file}: ${why}; check the path.`);
  }
  try {
    return parseJsonStrict(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON (${(error as Error).message}); fix the file.`);
  }
}

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export const stdio: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
