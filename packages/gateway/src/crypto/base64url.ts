/**
 * Strict base64url (RFC 4648 §5, no padding).
 *
 * Decoding is canonical-only: a string decodes only if re-encoding the bytes gives the same string back.
 * That rejects padding, foreign characters and non-zero trailing bits, so one byte string has exactly one
 * accepted spelling and signed material cannot be re-spelled (malleability) without detection.
 */

const ALPHABET = /^[A-Za-z0-9_-]*$/;

export function base64urlEncode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Returns the decoded bytes, or `null` when `text` is not canonical base64url. */
export function base64urlDecode(text: string): Buffer | null {
  if (!ALPHABET.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

/** Like {@link base64urlDecode} but throws a `TypeError` naming `what` (for trusted inputs such as stored keys). */
export function base64urlDecodeOrThrow(text: string, what: string): Buffer {
  const bytes = typeof text === 'string' ? base64urlDecode(text) : null;
  if (bytes === null) throw new TypeError(`${what} is not canonical base64url`);
  return bytes;
}
