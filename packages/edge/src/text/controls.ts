/**
 * Characters that must never reach a terminal or a log line raw, wherever agent-supplied text is
 * printed (CLI tables, `actpass dev` request lines, exposure reports): C0 and C1 controls and DEL (an
 * ANSI escape can recolour, move the cursor, retitle the window or hide a line), the line and
 * paragraph separators (a second "line" in a log), and the bidi embeddings, overrides, isolates and
 * marks (they reorder what a reader sees). One list, so every sink refuses the same characters.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

// JSON.stringify already escapes C0 controls inside strings; these it leaves raw (and, being non-ASCII,
// they can only occur inside strings, so escaping them keeps the JSON valid and equal).
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with every unsafe character written as a visible `\xNN` / `\uNNNN` escape. */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** The text with every unsafe character replaced by a space (for prose, where escapes would be noise). */
export function blankUnsafe(text: string): string {
  return text.replace(UNSAFE, ' ');
}

/** JSON text in which no unsafe character stays raw; it parses to the same value. */
export function escapeUnsafeInJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
