/** Small readers for config fields: each reports a problem with its path instead of throwing. */

type Obj = Record<string, unknown>;

export function unknownKeys(
  value: Obj,
  known: Set<string>,
  prefix: string,
  at: (path: string, message: string) => void,
): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) at(`${prefix}${key}`, `unknown field; expected one of ${[...known].join(', ')}`);
  }
}

export function optString(
  value: unknown,
  path: string,
  at: (p: string, m: string) => void,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    at(path, 'must be a non-empty string');
    return undefined;
  }
  return value;
}

export function optInt(
  value: unknown,
  path: string,
  min: number,
  max: number,
  at: (p: string, m: string) => void,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    at(path, `must be an integer from ${min} to ${max}`);
    return undefined;
  }
  return value;
}

export function httpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
