/**
 * One job: text in, text out with every recognised credential replaced by `[REDACTED:<kind>]`, and
 * how many of each kind were replaced (never the values). Bytes are read as latin1, which maps every
 * byte to one character and back, so a body is rewritten byte-exactly around the redactions whatever
 * its charset (credential formats are ASCII).
 */
import { stripHidden } from '../inspect/characters.js';
import { marksView, wordsView } from '../inspect/normalize.js';
import { INSTRUCTION_MARKERS } from '../inspect/patterns.js';
import { CREDENTIAL_FORMATS, type CredentialFormat } from './credentials.js';

/** A configured pattern never reads more than this at once (bounds a slow expression's input). */
export const PATTERN_SCAN_WINDOW_CHARS = 512;
/** Instruction markers are looked for in the first this-many characters of each text. */
export const INSTRUCTION_SCAN_MAX_CHARS = 262_144;

export type Redactions = Record<string, number>;

export interface FilterSettings {
  /** Remove invisible, tag and bidi characters from results. */
  stripHidden: boolean;
  /** Refuse a result that carries an instruction marker (`<IMPORTANT>`, "ignore previous instructions"…). */
  blockInstructions: boolean;
  /** Configured formats, checked after the built-in ones. */
  patterns: readonly CredentialFormat[];
}

export const DEFAULT_FILTER: FilterSettings = { stripHidden: false, blockInstructions: false, patterns: [] };

export const redactedMark = (kind: string) => `[REDACTED:${kind}]`;

export function redactCredentials(
  text: string,
  extra: readonly CredentialFormat[] = [],
  counts: Redactions = {},
): { text: string; redactions: Redactions } {
  let out = text;
  const count = (kind: string) => {
    counts[kind] = (counts[kind] ?? 0) + 1;
  };
  for (const format of CREDENTIAL_FORMATS) {
    format.pattern.lastIndex = 0;
    out = out.replace(format.pattern, (match) => {
      if (format.accept && !format.accept(match)) return match;
      count(format.kind);
      return redactedMark(format.kind);
    });
  }
  for (const format of extra) out = replaceWindowed(out, format, count);
  return { text: out, redactions: counts };
}

/**
 * A configured pattern applied one whitespace-delimited token at a time (credentials hold no spaces),
 * tokens longer than the window in windows: whatever the pattern, each match attempt reads a bounded
 * input.
 */
function replaceWindowed(text: string, format: CredentialFormat, count: (kind: string) => void): string {
  const replace = (part: string) =>
    part.replace(format.pattern, (match) => {
      if (match === '') return match;
      count(format.kind);
      return redactedMark(format.kind);
    });
  return text.replace(/[^\s]+/g, (token) => {
    if (token.length <= PATTERN_SCAN_WINDOW_CHARS) return replace(token);
    const parts: string[] = [];
    for (let at = 0; at < token.length; at += PATTERN_SCAN_WINDOW_CHARS)
      parts.push(replace(token.slice(at, at + PATTERN_SCAN_WINDOW_CHARS)));
    return parts.join('');
  });
}

/** Bytes (a response body) with credentials redacted; the same buffer when nothing was found. */
export function redactCredentialBytes(
  body: Buffer,
  extra: readonly CredentialFormat[] = [],
): { body: Buffer; redactions: Redactions } {
  const { text, redactions } = redactCredentials(body.toString('latin1'), extra);
  return total(redactions) === 0 ? { body, redactions } : { body: Buffer.from(text, 'latin1'), redactions };
}

/** The id of the first instruction marker the text carries (as a model would read it), or null. */
export function instructionMarker(text: string): string | null {
  const head = text.slice(0, INSTRUCTION_SCAN_MAX_CHARS);
  const marks = marksView(head).text;
  const words = wordsView(head).text;
  for (const marker of INSTRUCTION_MARKERS) {
    if (marker.pattern.test(marker.view === 'marks' ? marks : words)) return marker.id;
  }
  return null;
}

/** A text as the agent may see it under `settings`: hidden characters removed, credentials redacted. */
export function filterText(text: string, settings: FilterSettings, counts: Redactions): string {
  const shown = settings.stripHidden ? stripHidden(text) : text;
  return redactCredentials(shown, settings.patterns, counts).text;
}

export function total(redactions: Redactions): number {
  return Object.values(redactions).reduce((sum, n) => sum + n, 0);
}

export function addRedactions(into: Redactions, from: Redactions): void {
  for (const [kind, n] of Object.entries(from)) into[kind] = (into[kind] ?? 0) + n;
}
