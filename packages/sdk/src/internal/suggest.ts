/** Edit distance (insert, delete, substitute one character), case-insensitive: `baseURL` ~ `baseUrl`. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[y.length]!;
}

/** The choice closest to `value` (the first on a tie). */
export function nearest(value: string, choices: readonly string[]): string {
  let best = choices[0]!;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const choice of choices) {
    const d = distance(value, choice);
    if (d < bestDistance) [best, bestDistance] = [choice, d];
  }
  return best;
}

/** The closest choice when it is close enough to be a likely typo, else undefined. */
export function likelyMeant(value: string, choices: readonly string[]): string | undefined {
  const best = nearest(value, choices);
  return distance(value, best) <= Math.max(2, Math.ceil(value.length / 3)) ? best : undefined;
}

/** A value quoted for an error message: cut short, control characters shown as `?`. */
export function quoted(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
  return JSON.stringify(text.slice(0, 40).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?'));
}
