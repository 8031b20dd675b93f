/**
 * The injected secret must not travel back to the agent, even when an upstream echoes its request
 * (debug endpoints, error pages quoting headers). Echoes are rarely verbatim: a JSON encoder writes
 * `"` as `\"` and often `/` as `\/` or non-ASCII as `\u00e9`, an HTML page escapes `&`, `<`, `>`, a URL
 * or form percent-encodes, a debug page shows base64, and a server that decodes `Basic` credentials
 * may print them decoded. Every occurrence of each of those spellings is replaced.
 */
export const REDACTED = '[redacted by actpass]';

export { secretSpellings } from '../../filter/spellings.js';

/** Every spelling replaced, in a header value (text) or a body (bytes, as UTF-8 and as UTF-16). */
export function redact<T extends string | Buffer>(value: T, spellings: readonly string[]): T {
  if (typeof value === 'string') {
    let out: string = value;
    for (const spelling of spellings) out = out.split(spelling).join(REDACTED);
    return out as T;
  }
  let out = value as Buffer;
  for (const spelling of spellings) out = replaceBytes(out, Buffer.from(spelling, 'utf8'), 'utf8');
  // A body in UTF-16 (either byte order) carries the secret as other bytes.
  for (const spelling of spellings) {
    out = replaceBytes(out, Buffer.from(spelling, 'utf16le'), 'utf16le');
    out = replaceBytes(out, Buffer.from(spelling, 'utf16le').swap16(), 'utf16be');
  }
  return out as T;
}

function replaceBytes(value: Buffer, needle: Buffer, encoding: 'utf8' | 'utf16le' | 'utf16be'): Buffer {
  if (value.indexOf(needle) === -1) return value;
  const parts: Buffer[] = [];
  const replacement =
    encoding === 'utf16be' ? Buffer.from(REDACTED, 'utf16le').swap16() : Buffer.from(REDACTED, encoding);
  let from = 0;
  for (let at = value.indexOf(needle); at !== -1; at = value.indexOf(needle, from)) {
    parts.push(value.subarray(from, at), replacement);
    from = at + needle.length;
  }
  parts.push(value.subarray(from));
  return Buffer.concat(parts);
}
