/**
 * Writing to a terminal what agents wrote. Tool names, resources, args, notes and reasons come from
 * agents (or from whoever holds an agent key), so before any of it is printed every control character
 * is made visible: an ANSI escape cannot recolour, move the cursor, retitle the window or hide a line,
 * and a bidi override cannot reorder what an approver reads. `--json` output is escaped the same way.
 */
import { CLI_CELL_MAX_CHARS } from '../constants.js';

// C0 and C1 controls, DEL, line/paragraph separators and the bidi embeddings, overrides and isolates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/** The text with every control character written as a visible `\xNN` / `\uNNNN` escape. */
export function clean(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return (text ?? '').replace(UNSAFE, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

// JSON.stringify already escapes C0 controls inside strings; these it leaves raw (and, being non-ASCII,
// they can only occur inside strings, so escaping them keeps the JSON valid and equal).
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/** JSON for `--json` (`indent` 0: one line): valid JSON in which no control character reaches the terminal raw. */
export function safeJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(
    UNSAFE_IN_JSON,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A plain-text table: headers, then one line per row; every cell cleaned and cut to a sane width. */
export function table(headers: string[], rows: unknown[][]): string[] {
  const cells = rows.map((row) => row.map((cell) => cut(clean(cell ?? ''))));
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...cells.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)];
}

function cut(text: string): string {
  return text.length > CLI_CELL_MAX_CHARS ? `${text.slice(0, CLI_CELL_MAX_CHARS - 1)}…` : text;
}
