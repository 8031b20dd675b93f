/** Small pure formatters; every result is plain text for a text node. */

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
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return `[${typeof value}]`;
  }
}

/** A value read from untrusted JSON, as a display string ("—" when absent). */
export function text(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return prettyJson(value);
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
