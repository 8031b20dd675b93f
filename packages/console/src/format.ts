/**
 * Small pure formatters; every result is plain text for a text node, with control, bidi and invisible
 * characters written as visible escapes (see text.ts).
 */
import { escapeUnsafe, escapeUnsafeInJson, escapeUnsafeProse } from './text.js';

/** "4m 05s left", "expired" — from an ISO expiry and the current time. */
export function timeLeft(expiresAt: string, nowMs: number): string {
  const ms = Date.parse(expiresAt) - nowMs;
  if (!Number.isFinite(ms)) return 'unknown';
  if (ms <= 0) return 'expired';
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (hours > 0) return `${hours}h ${pad(minutes)}m left`;
  return `${minutes}m ${pad(seconds)}s left`;
}

/** A timestamp in the viewer's locale, or the raw string when it does not parse. */
export function localTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toLocaleString() : iso;
}

/** Pretty JSON for a <pre>; anything unserialisable is shown by its type. */
export function prettyJson(value: unknown): string {
  try {
    return escapeUnsafeInJson(JSON.stringify(value, null, 2) ?? String(value));
  } catch {
    return `[${typeof value}]`;
  }
}

/** A value read from untrusted JSON, as a display string ("—" when absent). */
export function text(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'string') return escapeUnsafe(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return prettyJson(value);
}

/** A person's free text (an approval note): line breaks kept, everything else as `text`. */
export function prose(value: unknown): string {
  return typeof value === 'string' && value !== '' ? escapeUnsafeProse(value) : text(value);
}

export interface FormattedAmount {
  /** "$250.00" when the currency is known, else null. */
  formatted: string | null;
  /** The raw value as the agent sent it, e.g. "25000 usd (minor units)". */
  raw: string;
}

/**
 * `args.amount` (integer minor units, as the packs define it) with `args.currency` when present:
 * 25000 + "usd" → "$250.00", raw "25000 usd (minor units)". The currency's own number of decimals is
 * used (JPY 0, USD 2, KWD 3). Null when there is no integer amount; a currency the browser does not
 * know is not guessed.
 */
export function formatAmount(args: unknown, locale?: string): FormattedAmount | null {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return null;
  const { amount, currency } = args as { amount?: unknown; currency?: unknown };
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) return null;
  const code = typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : null;
  if (code === null) {
    const said = typeof currency === 'string' ? ` (currency ${escapeUnsafe(currency)} not recognised)` : '';
    return { formatted: null, raw: `${amount} minor units${said}` };
  }
  const raw = `${amount} ${escapeUnsafe(String(currency))} (minor units)`;
  try {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency: code });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return { formatted: format.format(amount / 10 ** digits), raw };
  } catch {
    return { formatted: null, raw: `${raw}; currency not recognised` };
  }
}

/** A file name safe on every OS, built from parts the gateway returned. */
export function exportFileName(tenantId: string, headSeq: number): string {
  const safe = tenantId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'tenant';
  return `actpass-evidence-${safe}-${headSeq}.json`;
}

/** Candidate policy text → object, or a message naming the problem. */
export function parseCandidate(source: string): { policy: Record<string, unknown> } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (error) {
    return { error: `The candidate is not JSON: ${(error as Error).message}. Paste a policy object.` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { error: 'The candidate must be a JSON object with id, version and rules.' };
  }
  const object = parsed as Record<string, unknown>;
  // Accept a whole policy document (as GET /policy returns it) as well as a bare policy.
  const inner = object.policy;
  if (typeof inner === 'object' && inner !== null && !Array.isArray(inner) && !('rules' in object)) {
    return { policy: inner as Record<string, unknown> };
  }
  return { policy: object };
}
