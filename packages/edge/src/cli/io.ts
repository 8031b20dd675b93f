import { readFileSync } from 'node:fs';
import { parseJsonStrict } from '@actpass/sdk/canonical';
import { UsageError } from './errors.js';

/** Reads and strictly parses a JSON file, or fails with a message naming the file and what to fix. */
export function readJsonFile(file: string | undefined, what: string): unknown {
  if (!file) throw new UsageError(`missing ${what}: give the path to a JSON file.`);
  return parseJsonText(readTextFile(file, what), file);
}

/** A file's text (without a BOM), or a usage error naming the file and why it cannot be read. */
export function readTextFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(code);
    throw new UsageError(`cannot read ${what} ${file}: ${why}; check the path.`);
  }
}

/** Strict JSON; a syntax error is reported at its line and column, as an editor shows them. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return parseJsonStrict(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = message.match(/ \(offset (\d+)\)/);
    if (!offset) throw new UsageError(`${file} is not valid JSON (${message}); fix the file.`);
    const { line, column } = lineColumn(text, Number(offset[1]));
    const problem = message.replace(offset[0], '');
    throw new UsageError(
      `${file} is not valid JSON at line ${line}, column ${column}: ${problem}; fix the file.`,
    );
  }
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastBreak };
}

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export const stdio: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
