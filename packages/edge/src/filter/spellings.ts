/**
 * The ways an upstream is likely to have re-encoded a secret it echoes: JSON escapes (`\"`, `\/`,
 * `\u00e9`), percent-encoding, HTML entities, base64 (padded, unpadded, URL-safe), and HTTP Basic
 * credentials printed decoded. Both proxies redact every spelling of every secret they know.
 */

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
