import { UsageError } from '@actpass/edge/cli';

const RELATIVE = /^(\d{1,6})([mhd])$/;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since` / `--until`: an RFC 3339 instant, or a span back from now (`30m`, `24h`, `7d`). Returns
 * RFC 3339 text for the API, or undefined when the flag is absent.
 */
export function instantFlag(
  command: string,
  name: string,
  value: string | boolean | undefined,
  nowMs: number = Date.now(),
): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const relative = RELATIVE.exec(text);
  if (relative) {
    return new Date(nowMs - Number(relative[1]) * (UNIT_MS[relative[2] as string] as number)).toISOString();
  }
  if (Number.isFinite(Date.parse(text)) && /^\d{4}-\d{2}-\d{2}/.test(text)) return text;
  throw new UsageError(
    `${command}: --${name} "${text}" is neither an RFC 3339 time (2026-11-23T00:00:00Z) nor a span such as 30m, 24h or 7d.`,
  );
}

/** A positive integer flag, or the default. */
export function countFlag(
  command: string,
  name: string,
  value: string | boolean | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new UsageError(`${command}: --${name} must be a positive whole number, not "${String(value)}".`);
  }
  return number;
}
