/**
 * JSON with comments and trailing commas (JSONC), as VS Code reads its `mcp.json` and `settings.json`.
 * Comments and trailing commas are blanked to spaces, so the text keeps its length and a strict
 * parser's error still points at the right line and column.
 */
export function stripJsonc(text: string): string {
  const out = text.split('');
  let i = 0;
  let inString = false;
  /** Index of the last comma seen outside strings with only whitespace or comments after it. */
  let pendingComma = -1;
  while (i < text.length) {
    const c = text[i] as string;
    if (inString) {
      if (c === '\\') i += 2;
      else {
        if (c === '"') inString = false;
        i += 1;
      }
      continue;
    }
    if (c === '"') {
      inString = true;
      pendingComma = -1;
      i += 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') out[i++] = ' ';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      for (; i < stop; i++) if (text[i] !== '\n') out[i] = ' ';
    } else if (c === ',') {
      pendingComma = i;
      i += 1;
    } else if (c === '}' || c === ']') {
      if (pendingComma !== -1) out[pendingComma] = ' ';
      pendingComma = -1;
      i += 1;
    } else {
      if (!/\s/.test(c)) pendingComma = -1;
      i += 1;
    }
  }
  return out.join('');
}
