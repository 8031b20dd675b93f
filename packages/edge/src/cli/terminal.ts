/**
 * Writing to a terminal what agents wrote. Tool names, resources, args, notes and reasons come from
 * agents (or from whoever holds an agent key), so before any of it is printed every control character
 * is made visible: an ANSI escape cannot recolour, move the cursor, retitle the window or hide a line,
 * and a bidi override cannot reorder what an approver reads. `--json` output is escaped the same way.
 */
import { CLI_CELL_MAX_CHARS } from '../constants.js';
import { escapeUnsafe, escapeUnsafeInJson } from '../text/controls.js';

/** The text with every control character written as a visible `\xNN` / `\uNNNN` escape. */
export function clean(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return escapeUnsafe(text ?? '');
}

/** JSON for `--json` (`indent` 0: one line): valid JSON in which no control character reaches the terminal raw. */
export function safeJson(value: unknown, indent = 2): string {
  return escapeUnsafeInJson(JSON.stringify(value, null, indent));
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
