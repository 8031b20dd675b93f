import { canonicalize } from '../canonical/index.js';

/**
 * Hex SHA-256 of the canonical JSON of `value`, or null when it has no JSON form (undefined, a function,
 * a cycle, NaN …). Uses Web Crypto, so no Node built-in enters the default entry.
 */
export async function canonicalSha256(value: unknown): Promise<string | null> {
  const text = canonicalOrNull(value);
  return text === null ? null : sha256Hex(text);
}

/** The canonical JSON text of `value` now (a snapshot), or null when it has none. */
export function canonicalOrNull(value: unknown): string | null {
  try {
    return canonicalize(value);
  } catch {
    return null;
  }
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
