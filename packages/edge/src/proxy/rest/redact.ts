/**
 * The injected secret must not travel back to the agent, even when an upstream echoes its request
 * (debug endpoints, error pages quoting headers). Echoes are rarely verbatim: a JSON encoder writes
 * `"` as `\"` and often `/` as `\/` or non-ASCII as `\u00e9`, an HTML page escapes `&`, `<`, `>`, a URL
 * or form percent-encodes, a debug page shows base64, and a server that decodes `Basic` credentials
 * may print them decoded. Every occurrence of each of those spellings is replaced.
 */
export const REDACTED = '[redacted by actpass]';

/** Spellings other than the secret itself are only searched for when at least this long. */
const MIN_SPELLING_CHARS = 8;

/** The secret and the ways an upstream is likely to have re-encoded it, longest first. */
export function secretSpellings(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const asciiJson = json.replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const url = encodeURIComponent(secret);
  const forms = [
    json,
    json.replace(/\//g, '\\/'),
    asciiJson,
    asciiJson.replace(/\//g, '\\/'),
    url,
    url.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    url.replace(/%20/g, '+'),
    secret.replace(
      /[&<>"']/g,
      (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`,
    ),
    secret.replace(/[&<>"']/g, (c) => `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`),
    Buffer.from(secret, 'utf8').toString('base64'),
    Buffer.from(secret, 'utf8').toString('base64').replace(/=+$/, ''),
    Buffer.from(secret, 'utf8').toString('base64url'),
    decodedCredentials(secret),
  ].filter((form): form is string => form !== null && form.length >= MIN_SPELLING_CHARS);
  return [...new Set([secret, ...forms])].sort((a, b) => b.length - a.length);
}

/** A base64 secret (HTTP Basic credentials) as the text it decodes to, when it is printable text. */
function decodedCredentials(secret: string): string | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(secret) || secret.length % 4 !== 0) return null;
  const text = Buffer.from(secret, 'base64').toString('utf8');
  if (!/^[\x20-\x7e]+$/.test(text) || Buffer.from(text, 'utf8').toString('base64') !== secret) return null;
  return text;
}

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
