/**
 * Secret values a proxy knows (credentials the gateway leased to it, credentials configured for its
 * upstreams), redacted from everything relayed to the agent in every spelling an upstream is likely
 * to use (spellings.ts). Values are held in memory only, never logged; the set is bounded, the oldest
 * value going first.
 */
import { type Redactions, redactedMark } from './filter.js';
import { secretSpellings } from './spellings.js';

/** What a redacted known secret reads as, and the kind it is counted under. */
export const KNOWN_SECRET_KIND = 'vaulted_secret';
/** A value shorter than this is too likely to occur by chance in ordinary text to be replaced. */
const MIN_SECRET_CHARS = 8;

export class KnownSecrets {
  readonly #values = new Set<string>();
  #spellings: string[] | null = [];

  constructor(private readonly maxValues: number) {}

  /** Remembers a value; true when it is new. Values too short to redact safely are ignored. */
  add(value: string): boolean {
    if (typeof value !== 'string' || value.length < MIN_SECRET_CHARS || this.#values.has(value)) return false;
    if (this.#values.size >= this.maxValues) {
      const oldest = this.#values.values().next().value;
      if (oldest !== undefined) this.#values.delete(oldest);
    }
    this.#values.add(value);
    this.#spellings = null;
    return true;
  }

  get size(): number {
    return this.#values.size;
  }

  /** `text` with every spelling of every known value replaced by `[REDACTED:vaulted_secret]`, counted. */
  redact(text: string, counts: Redactions): string {
    if (this.#values.size === 0) return text;
    this.#spellings ??= [...new Set([...this.#values].flatMap(secretSpellings))].sort(
      (a, b) => b.length - a.length,
    );
    let out = text;
    for (const spelling of this.#spellings) {
      if (!out.includes(spelling)) continue;
      const parts = out.split(spelling);
      counts[KNOWN_SECRET_KIND] = (counts[KNOWN_SECRET_KIND] ?? 0) + parts.length - 1;
      out = parts.join(redactedMark(KNOWN_SECRET_KIND));
    }
    return out;
  }
}
