/**
 * A small Prometheus registry (text exposition format 0.0.4): counters, histograms and gauges read at
 * scrape time. Written here rather than taken from a client library because the gateway needs very
 * little of one, and because every label set must be bounded: a metric keeps at most `maxSeries`
 * label combinations and folds the rest into one series whose labels read `_other`, so no caller can
 * grow the scrape (or the gateway's memory) by sending new strings.
 */

export type Labels = Record<string, string>;

const DEFAULT_MAX_SERIES = 200;
export const OVERFLOW_LABEL = '_other';

interface Metric {
  render(lines: string[]): void;
}

abstract class LabelledMetric<T> implements Metric {
  protected readonly series = new Map<string, { labels: Labels; value: T }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'histogram',
    private readonly labelNames: readonly string[],
    private readonly maxSeries: number,
    private readonly initial: () => T,
  ) {}

  protected slot(labels: Labels): T {
    const key = this.labelNames.map((name) => labels[name] ?? '').join('\u0000');
    let entry = this.series.get(key);
    if (!entry) {
      if (this.series.size >= this.maxSeries) return this.slot(this.overflow());
      entry = {
        labels: Object.fromEntries(this.labelNames.map((n) => [n, labels[n] ?? ''])),
        value: this.initial(),
      };
      this.series.set(key, entry);
    }
    return entry.value;
  }

  private overflow(): Labels {
    const labels = Object.fromEntries(this.labelNames.map((name) => [name, OVERFLOW_LABEL]));
    const key = this.labelNames.map(() => OVERFLOW_LABEL).join('\u0000');
    if (!this.series.has(key)) this.series.set(key, { labels, value: this.initial() });
    return labels;
  }

  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`);
    for (const { labels, value } of this.series.values()) this.renderSeries(lines, labels, value);
  }

  protected abstract renderSeries(lines: string[], labels: Labels, value: T): void;
}

export class Counter extends LabelledMetric<{ n: number }> {
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
    maxSeries = DEFAULT_MAX_SERIES,
  ) {
    super(name, help, 'counter', labelNames, maxSeries, () => ({ n: 0 }));
  }

  inc(labels: Labels = {}, by = 1): void {
    this.slot(labels).n += by;
  }

  protected renderSeries(lines: string[], labels: Labels, value: { n: number }): void {
    lines.push(`${this.name}${labelText(labels)} ${value.n}`);
  }
}

interface HistogramValue {
  counts: number[];
  sum: number;
  count: number;
}

/** Seconds; from 100 µs (an in-process decision) to 10 s (a stalled store). */
export const LATENCY_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export class Histogram extends LabelledMetric<HistogramValue> {
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
    private readonly buckets: readonly number[] = LATENCY_BUCKETS,
    maxSeries = DEFAULT_MAX_SERIES,
  ) {
    super(name, help, 'histogram', labelNames, maxSeries, () => ({
      counts: buckets.map(() => 0),
      sum: 0,
      count: 0,
    }));
  }

  observe(value: number, labels: Labels = {}): void {
    const slot = this.slot(labels);
    slot.sum += value;
    slot.count += 1;
    for (let i = 0; i < this.buckets.length; i++)
      if (value <= (this.buckets[i] as number)) slot.counts[i]! += 1;
  }

  protected renderSeries(lines: string[], labels: Labels, value: HistogramValue): void {
    this.buckets.forEach((bound, i) => {
      lines.push(`${this.name}_bucket${labelText({ ...labels, le: String(bound) })} ${value.counts[i]}`);
    });
    lines.push(`${this.name}_bucket${labelText({ ...labels, le: '+Inf' })} ${value.count}`);
    lines.push(`${this.name}_sum${labelText(labels)} ${value.sum}`);
    lines.push(`${this.name}_count${labelText(labels)} ${value.count}`);
  }
}

/** A gauge whose value is read when scraped. */
export class Gauge implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => Array<{ labels?: Labels; value: number }>,
  ) {}

  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`);
    for (const { labels, value } of this.read())
      lines.push(`${this.name}${labelText(labels ?? {})} ${value}`);
  }
}

export class Registry {
  private readonly metrics: Metric[] = [];

  register<T extends Metric>(metric: T): T {
    this.metrics.push(metric);
    return metric;
  }

  /** The whole exposition, ending with a newline as the format asks. */
  render(): string {
    const lines: string[] = [];
    for (const metric of this.metrics) metric.render(lines);
    return `${lines.join('\n')}\n`;
  }
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(',')}}`;
}

/** The format's three escapes; every other character is taken as is inside the quotes. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
