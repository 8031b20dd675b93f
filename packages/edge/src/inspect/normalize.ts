/**
 * The text as a model reads it, for matching: hidden characters dropped (they split words without
 * showing), compatibility forms folded (fullwidth `ＩＧＮＯＲＥ` → `ignore`), lookalike letters from other
 * scripts folded to Latin, lower case. Two views: `words` also turns markup and punctuation into single
 * spaces (`ignore_previous **instructions**` → `ignore previous instructions`); `marks` keeps
 * punctuation for tags such as `<IMPORTANT>`. Each view keeps the source offset of every character, so
 * a match can be shown in the original text.
 */
import { hiddenKind } from './characters.js';
import { foldLookalike } from './confusables.js';

export interface View {
  text: string;
  /** source[i]: offset in the original text of the view's i-th character. */
  source: number[];
}

/** Inline formatting tags vanish without a space (`ig<b>no</b>re` reads `ignore`); other tags split. */
const INLINE_TAG = /^<\/?(b|i|u|s|em|strong|span|code|mark|font|small|sub|sup|tt|del|ins)(\s[^>]{0,60})?>/i;
/** Markdown emphasis and code marks vanish too: `ig**no**re` reads `ignore`. */
const VANISHING = new Set(['*', '`', '~', '\\']);

export function wordsView(text: string): View {
  return view(text, true);
}

export function marksView(text: string): View {
  return view(text, false);
}

function view(text: string, wordsOnly: boolean): View {
  const out: string[] = [];
  const source: number[] = [];
  let spaced = true;
  const push = (chars: string, at: number) => {
    for (const c of chars) {
      out.push(c);
      source.push(at);
    }
  };
  let offset = 0;
  while (offset < text.length) {
    const codePoint = text.codePointAt(offset) as number;
    const char = String.fromCodePoint(codePoint);
    const at = offset;
    offset += char.length;
    if (hiddenKind(char) !== null) continue;
    if (wordsOnly && char === '<') {
      const tag = INLINE_TAG.exec(text.slice(at, at + 80));
      if (tag) {
        offset = at + tag[0].length;
        continue;
      }
    }
    if (wordsOnly && VANISHING.has(char)) continue;
    const folded = foldLookalike(char.normalize('NFKC')).toLowerCase();
    for (const c of folded) {
      const wordChar = /[\p{L}\p{N}]/u.test(c);
      if (wordsOnly && !wordChar) {
        if (!spaced) push(' ', at);
        spaced = true;
      } else if (!wordsOnly && /\s/u.test(c)) {
        if (!spaced) push(' ', at);
        spaced = true;
      } else {
        push(c, at);
        spaced = false;
      }
    }
  }
  return { text: out.join(''), source };
}
