/**
 * The injected secret must not travel back to the agent, even when an upstream echoes its request
 * (debug endpoints, error pages quoting headers): every verbatim occurrence is replaced.
 */
export const REDACTED = '[redacted by actpass]';

export function redact<T extends string | Buffer>(value: T, secret: string): T {
  if (typeof value === 'string') return value.split(secret).join(REDACTED) as T;
  const needle = Buffer.from(secret, 'utf8');
  if ((value as Buffer).indexOf(needle) === -1) return value;
  const parts: Buffer[] = [];
  const replacement = Buffer.from(REDACTED, 'utf8');
  let from = 0;
  for (let at = (value as Buffer).indexOf(needle); at !== -1; at = (value as Buffer).indexOf(needle, from)) {
    parts.push((value as Buffer).subarray(from, at), replacement);
    from = at + needle.length;
  }
  parts.push((value as Buffer).subarray(from));
  return Buffer.concat(parts) as T;
}
