/** Report windows: "last N hours" as a label and as an RFC 3339 `since`. */

export function windowSince(hours: number, nowMs: number): string {
  return new Date(nowMs - hours * 3600_000).toISOString();
}

export function windowLabel(hours: number): string {
  if (hours % 24 === 0) return hours === 24 ? '24 hours' : `${hours / 24} days`;
  return hours === 1 ? 'hour' : `${hours} hours`;
}

/** The bucket width that keeps a window's chart readable. */
export function bucketFor(hours: number): 'minute' | 'hour' | 'day' {
  if (hours <= 1) return 'minute';
  if (hours <= 24 * 7) return 'hour';
  return 'day';
}
