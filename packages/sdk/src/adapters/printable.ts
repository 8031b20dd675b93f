/**
 * Agent-supplied text (a tool's name, the model's own argument names) made safe to put in a message the
 * model or a person reads: control and format characters are shown as `\uXXXX` escapes and the length
 * is bounded, so a hostile string stays on one short line. It cannot break the message into lines that
 * read as another verdict (`\nBLOCKED …`), recolour a terminal (ANSI escapes), reorder what is shown
 * (bidi overrides), hide characters (zero-width) or flood the model's context.
 */

/** Longest tool name shown, escapes included. */
const MAX_SHOWN_TOOL = 120;
/** Longest schema problem shown (it names the model's argument names), escapes included. */
const MAX_SHOWN_PROBLEM = 300;

/**
 * Control (C0, C1: line breaks, ESC), format (bidi overrides, zero-width), lone surrogate halves, and the
 * line and paragraph separators U+2028/U+2029, which some readers treat as line breaks.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

function escaped(char: string): string {
  if (!UNPRINTABLE.test(char)) return char;
  return `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every unprintable character escaped, cut to at most `max` characters (ending in `…` when
 * cut). The cut falls between characters, never inside an escape or a surrogate pair.
 */
export function printable(text: string, max = Number.POSITIVE_INFINITY): string {
  const pieces: string[] = [];
  let length = 0;
  for (const char of text) {
    const next = escaped(char);
    if (length + next.length > max) {
      // Whole pieces are dropped until the ellipsis fits too.
      while (pieces.length > 0 && length + 1 > max) length -= (pieces.pop() ?? '').length;
      return `${pieces.join('')}…`;
    }
    pieces.push(next);
    length += next.length;
  }
  return pieces.join('');
}

/** A tool name as shown in a message: escaped, cut and quoted. */
export function quotedToolName(name: string): string {
  return JSON.stringify(printable(name, MAX_SHOWN_TOOL));
}

/** What the model reads when its arguments break the tool's schema: one line, naming the fix. */
export function invalidInputText(tool: string, problem: string): string {
  return `Invalid input for tool ${quotedToolName(tool)}: ${printable(problem, MAX_SHOWN_PROBLEM)}. The tool did not run; call it again with arguments that match its schema.`;
}
