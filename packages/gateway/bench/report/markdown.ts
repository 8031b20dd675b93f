/** Markdown tables: cells escaped so a value can never break the table it sits in. */

export type Align = 'left' | 'right';

function cell(text: string): string {
  // Only the pipe needs escaping in a cell (inside code spans too); a doubled backslash would show.
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
): string {
  for (const row of rows) {
    if (row.length !== header.length)
      throw new Error(`table row has ${row.length} cells, the header ${header.length}: ${row.join(' | ')}`);
  }
  const rule = header.map((_, i) => (align[i] === 'right' ? '---:' : '---'));
  return [header, rule, ...rows]
    .map((row, i) => `| ${(i === 1 ? row : row.map(cell)).join(' | ')} |`)
    .join('\n');
}
