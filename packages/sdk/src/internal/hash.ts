import { canonicalize } from '../canonical/index.js';

/**
 * Hex SHA-256 of the canonical JSON of `value`, or null when it has no JSON form (undefined, a function,
 * a cycle, NaN …). Uses Web Crypto, so no Node built-in enters the default entry.
 */
export async function canonicalSha256(value: unknown): Promise<string | null> {
  let text: string;
  try {
    text = canonicalize(value);
  } catch {
    return null;
  }
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
