/**
 * Characters a reader does not see. Unicode tag characters (U+E0000–E007F) spell ASCII invisibly and
 * many models read them; zero-width and other default-ignorable characters hide or split words; bidi
 * controls make the displayed order differ from the order a model reads. Each kind is a finding, each
 * run of them is decoded into something a person can read, and `stripHidden` removes them all.
 */

/** Tag characters: U+E0020–E007E mirror printable ASCII; E0000, E0001 and E007F are the frame. */
const TAG = /[\u{E0000}-\u{E007F}]/u;
/** Explicit embeddings, overrides and isolates (reorder text), and the direction marks. */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;
const BIDI_MARK = /[\u200E\u200F\u061C]/u;
/**
 * Zero-width and other invisible format characters: spaces and joiners, word joiner, invisible math
 * operators, BOM, Mongolian vowel separator, soft hyphen, combining grapheme joiner, Hangul fillers,
 * and the variation selectors (the supplementary ones can carry a byte each: "emoji smuggling").
 */
const ZERO_WIDTH_RANGES = [
  '\\u200B-\\u200D',
  '\\u2060-\\u2064',
  '\\uFEFF\\u180E\\u00AD\\u034F\\u115F\\u1160\\u3164\\uFFA0',
  '\\uFE00-\\uFE0F\\u{E0100}-\\u{E01EF}',
];
// Built from parts: a literal class mixing joiners and selectors reads to linters as a mistake.
const ZERO_WIDTH = new RegExp(`[${ZERO_WIDTH_RANGES.join('')}]`, 'u');
const PICTOGRAPH = /\p{Extended_Pictographic}/u;

export type HiddenKind = 'tag' | 'zero_width' | 'bidi_control' | 'bidi_mark';

export interface HiddenRun {
  kind: HiddenKind;
  /** Code-unit offsets in the original text. */
  start: number;
  end: number;
  /** The characters of the run. */
  chars: string[];
}

export function hiddenKind(char: string): HiddenKind | null {
  if (TAG.test(char)) return 'tag';
  if (BIDI_CONTROL.test(char)) return 'bidi_control';
  if (BIDI_MARK.test(char)) return 'bidi_mark';
  if (ZERO_WIDTH.test(char)) return 'zero_width';
  return null;
}

/**
 * Runs of hidden characters, one per kind and stretch. A zero-width joiner or an emoji variation
 * selector right after a pictograph is how emoji are written (👩‍💻, ❤️), so it is not counted.
 */
export function hiddenRuns(text: string): HiddenRun[] {
  const runs: HiddenRun[] = [];
  let previous = '';
  let offset = 0;
  for (const char of text) {
    const kind = hiddenKind(char);
    const emojiGlue =
      kind === 'zero_width' && (char === '\u200D' || char === '\uFE0F') && PICTOGRAPH.test(previous);
    if (kind && !emojiGlue) {
      const last = runs[runs.length - 1];
      if (last && last.kind === kind && last.end === offset) {
        last.end = offset + char.length;
        last.chars.push(char);
      } else {
        runs.push({ kind, start: offset, end: offset + char.length, chars: [char] });
      }
    }
    if (!emojiGlue) previous = char;
    offset += char.length;
  }
  return runs;
}

/** The ASCII a run of tag characters spells (frame characters dropped, unknown ones escaped). */
export function decodeTags(chars: readonly string[]): string {
  return chars
    .map((char) => {
      const code = char.codePointAt(0) as number;
      if (code >= 0xe0020 && code <= 0xe007e) return String.fromCharCode(code - 0xe0000);
      return '';
    })
    .join('');
}

/**
 * Supplementary variation selectors can smuggle one byte each (U+FE00–FE0F → 0–15, U+E0100–E01EF →
 * 16–255). Decoded as UTF-8 when there are several, which is the only reason to string them together.
 */
export function decodeVariationSelectors(chars: readonly string[]): string | null {
  const bytes: number[] = [];
  for (const char of chars) {
    const code = char.codePointAt(0) as number;
    if (code >= 0xfe00 && code <= 0xfe0f) bytes.push(code - 0xfe00);
    else if (code >= 0xe0100 && code <= 0xe01ef) bytes.push(code - 0xe0100 + 16);
    else return null;
  }
  if (bytes.length < 2) return null;
  const decoded = new TextDecoder('utf-8', { fatal: false }).decode(new Uint8Array(bytes));
  return visible(decoded);
}

/** The text without tag, zero-width and bidi characters: what an agent should be shown. */
export function stripHidden(text: string): string {
  let out = '';
  let previous = '';
  for (const char of text) {
    const kind = hiddenKind(char);
    const emojiGlue =
      kind === 'zero_width' && (char === '\u200D' || char === '\uFE0F') && PICTOGRAPH.test(previous);
    if (!kind || emojiGlue) out += char;
    if (!emojiGlue) previous = char;
  }
  return out;
}

/** True when the text holds any character `stripHidden` would remove. */
export function hasHidden(text: string): boolean {
  return stripHidden(text) !== text;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/**
 * The text with every control, invisible, tag and bidi character written as a visible `\uXXXX` (or
 * `\u{XXXXX}`) escape, so it can go to a terminal, a log or a report without hiding anything.
 */
export function visible(text: string): string {
  let out = '';
  for (const char of text) {
    if (CONTROL.test(char) || hiddenKind(char) !== null) {
      const code = char.codePointAt(0) as number;
      out +=
        code > 0xffff
          ? `\\u{${code.toString(16).toUpperCase()}}`
          : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    } else {
      out += char;
    }
  }
  return out;
}

/** `U+200B ×3, U+2060` — how a run of invisible characters is named in a finding. */
export function codePointList(chars: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const char of chars) {
    const name = `U+${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(', ');
}

/**
 * JSON text in which no invisible, tag, bidi or control character stays raw: each is written as a
 * JSON `\uXXXX` escape (surrogate pairs for the tag characters), so the text parses to the same value.
 */
export function escapeHiddenInJson(json: string): string {
  return json.replace(/[^\x20-\x7e\n]/gu, (char) =>
    visible(char) === char
      ? char
      : Array.from(
          { length: char.length },
          (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`,
        ).join(''),
  );
}
