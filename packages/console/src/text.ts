/**
 * Agent strings made safe to look at. A bidi override can make `bot\u202Elive` read as another name and
 * `inv\u202Efdp.exe` as "invexe.pdf"; zero-width and tag characters hide text a person never sees. The
 * console writes each such character as a visible escape, exactly as the CLI does for its characters
 * (`\xNN` up to U+00FF, `\uNNNN` above), and adds the invisible ones a terminal shows as nothing:
 * zero-width characters, the BOM and the Unicode tag block (written `\u{e0041}`).
 */

// The CLI's set: C0/C1 controls and DEL, line/paragraph separators, bidi embeddings, overrides,
// isolates and marks. Kept identical to the CLI's list (a unit test compares them).
const CLI_UNSAFE = String.raw`\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c`;
// Invisible in a browser too: soft hyphen, zero-width space/joiners, word joiner and invisible
// operators, BOM, Mongolian vowel separator, and the tag characters U+E0000–E007F.
const INVISIBLE = String.raw`\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff\u{e0000}-\u{e007f}`;

const UNSAFE = new RegExp(`[${CLI_UNSAFE}${INVISIBLE}]`, 'gu');
// Inside JSON text the C0 controls are already escaped by JSON.stringify; the rest stay raw there.
const UNSAFE_IN_JSON = new RegExp(
  `[\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\u200e\\u200f\\u061c${INVISIBLE}]`,
  'gu',
);
// For prose (a person's note): line breaks and tabs are kept, everything else as above.
const UNSAFE_IN_PROSE = new RegExp(
  `[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\u200e\\u200f\\u061c${INVISIBLE}]`,
  'gu',
);

function visible(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

/** The text with every control, bidi and invisible character written as a visible escape. */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** JSON text with no unsafe character left raw, written as the CLI writes it (`\uNNNN`). */
export function escapeUnsafeInJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (char) => {
    const code = char.codePointAt(0) ?? 0;
    return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : visible(char);
  });
}

/** A person's note: line breaks and tabs kept, every other unsafe character escaped. */
export function escapeUnsafeProse(text: string): string {
  return text.replace(UNSAFE_IN_PROSE, visible);
}

/** True when the text had anything to escape (the console marks such values). */
export function hasUnsafe(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}
