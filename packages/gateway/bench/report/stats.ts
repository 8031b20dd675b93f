/** Summaries of per-round samples: the median with the min–max spread, and number formatting. */

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spread() needs at least one sample');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

/** Per-round ratios a[i] / b[i]: both sides were measured in the same round. */
export function ratios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new Error(`ratios() needs paired samples (${a.length} vs ${b.length})`);
  return a.map((value, i) => value / b[i]!);
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
export const fmtSpread = (s: Spread) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
export const fmtMs = (s: Spread) => `${s.median.toFixed(3)} ms (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
export const fmtRatio = (s: Spread) => `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;

/** Operations per CPU-second of this process: steadier than wall time when other work shares the cores. */
export async function perCpuSecond(run: () => unknown, millis: number): Promise<number> {
  const deadline = performance.now() + millis;
  let count = 0;
  const cpu = process.cpuUsage();
  while (performance.now() < deadline) {
    for (let i = 0; i < 50; i++) await run();
    count += 50;
  }
  const used = process.cpuUsage(cpu);
  return count / ((used.user + used.system) / 1e6);
}

/** The same for synchronous work, without an `await` per call (which would dominate a ~1 µs call). */
export function perCpuSecondSync(run: () => unknown, millis: number): number {
  const deadline = performance.now() + millis;
  let count = 0;
  const cpu = process.cpuUsage();
  while (performance.now() < deadline) {
    for (let i = 0; i < 200; i++) run();
    count += 200;
  }
  const used = process.cpuUsage(cpu);
  return count / ((used.user + used.system) / 1e6);
}

export function cpuSeconds(work: () => void): number {
  const cpu = process.cpuUsage();
  work();
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1e6;
}

/** Runs every side once per round, rotating who goes first so a slow round start hits each side alike. */
export async function interleave<K extends string>(
  rounds: number,
  sides: Record<K, () => Promise<number> | number>,
): Promise<Record<K, number[]>> {
  const names = Object.keys(sides) as K[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length]!;
      samples[name].push(await sides[name]());
    }
  }
  return samples;
}
