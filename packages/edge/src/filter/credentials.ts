/**
 * Credential formats that are recognisable by shape alone. Each one has a fixed prefix (or a PEM
 * frame, or a JWT header that must decode to JSON naming an `alg`), so ordinary tool output — hashes,
 * UUIDs, commit ids, base64 blobs — does not match. Boundaries are explicit look-arounds rather than
 * `\b` because several formats contain `-` or `_`, which `\b` treats as word breaks.
 */

export interface CredentialFormat {
  kind: string;
  /** Global; must not match across an unbounded span (every repetition is bounded or lazy). */
  pattern: RegExp;
  /** A second look at a match the pattern alone would over-accept. */
  accept?: (match: string) => boolean;
}

const BEFORE = '(?<![A-Za-z0-9_-])';
const AFTER = '(?![A-Za-z0-9_-])';
const PEM_LABEL = '(?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?';

export const CREDENTIAL_FORMATS: readonly CredentialFormat[] = [
  {
    kind: 'private_key',
    // A key cut off before its END line is still a key: its base64 lines (raw or JSON-escaped) go.
    // 16 KiB holds the largest PEM keys in use (an RSA-8192 key is ~6.5 KiB).
    pattern: new RegExp(
      `-----BEGIN ${PEM_LABEL}-----(?:[\\s\\S]{0,16384}?-----END ${PEM_LABEL}-----|[A-Za-z0-9+/=\\r\\n\\\\]{0,16384})`,
      'g',
    ),
  },
  {
    kind: 'aws_access_key_id',
    pattern: /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g,
  },
  {
    kind: 'github_token',
    pattern: new RegExp(
      `${BEFORE}(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})${AFTER}`,
      'g',
    ),
  },
  {
    kind: 'gitlab_token',
    pattern: new RegExp(`${BEFORE}glpat-[A-Za-z0-9_-]{20,64}${AFTER}`, 'g'),
  },
  {
    kind: 'anthropic_key',
    pattern: new RegExp(`${BEFORE}sk-ant-[A-Za-z0-9_-]{20,256}${AFTER}`, 'g'),
  },
  {
    kind: 'openai_key',
    pattern: new RegExp(`${BEFORE}sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,256}${AFTER}`, 'g'),
    // `sk-some-long-kebab-case-identifier` is a name, not a key: a key mixes digits and upper case.
    accept: (match) => !match.startsWith('sk-ant-') && /[0-9]/.test(match) && /[A-Z]/.test(match.slice(3)),
  },
  {
    kind: 'stripe_key',
    // Publishable keys (`pk_`) are meant to be public and stay.
    pattern: new RegExp(`${BEFORE}(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}${AFTER}`, 'g'),
  },
  {
    kind: 'slack_token',
    // xoxb-<team>-<bot>-<secret>, xoxp-<team>-<user>-<…>-<hex>, xoxa-2-…: numeric ids first, many digits.
    pattern: new RegExp(`${BEFORE}xox[abpors]-[0-9]{1,20}-[A-Za-z0-9-]{8,250}${AFTER}`, 'g'),
    accept: (match) => (match.match(/[0-9]/g)?.length ?? 0) >= 10,
  },
  {
    kind: 'google_api_key',
    pattern: new RegExp(`${BEFORE}AIza[A-Za-z0-9_-]{35}${AFTER}`, 'g'),
  },
  {
    kind: 'jwt',
    pattern: new RegExp(
      `${BEFORE}eyJ[A-Za-z0-9_-]{8,2048}\\.eyJ[A-Za-z0-9_-]{2,8192}\\.[A-Za-z0-9_-]{0,2048}${AFTER}`,
      'g',
    ),
    accept: (match) => jwtHeaderHasAlg(match.slice(0, match.indexOf('.'))),
  },
];

function jwtHeaderHasAlg(part: string): boolean {
  try {
    const header = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return (
      typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string'
    );
  } catch {
    return false;
  }
}
