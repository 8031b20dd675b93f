/**
 * Spans, kept to what ActPass reports: a name, a kind, start and end, a few attributes and a status,
 * parented by a W3C trace context. A span is handed to the exporter when it ends; with no tracer
 * configured nothing here runs at all (callers hold `null`).
 */
import { randomFillSync } from 'node:crypto';
import type { TraceContext } from './traceparent.js';

export type SpanKind = 'internal' | 'server' | 'client';
export type AttributeValue = string | number | boolean;

export interface FinishedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: SpanKind;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, AttributeValue>;
  error: string | null;
}

export interface SpanExporter {
  export(span: FinishedSpan): void;
  /** Sends whatever is queued; resolves when sent or given up on. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

// Ids come from a pool refilled 4 KiB at a time: one system call per ~170 spans instead of two per span.
const POOL = Buffer.alloc(4096);
let used = POOL.length;

function randomHex(bytes: number): string {
  if (used + bytes > POOL.length) {
    randomFillSync(POOL);
    used = 0;
  }
  const hex = POOL.toString('hex', used, used + bytes);
  used += bytes;
  return hex;
}

/** Wall-clock nanoseconds with sub-millisecond resolution (performance.now over the time origin). */
export function nowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}

export class Span {
  readonly context: TraceContext;
  private readonly attributes: Record<string, AttributeValue> = {};
  private ended = false;

  constructor(
    private readonly exporter: SpanExporter,
    public name: string,
    readonly kind: SpanKind,
    private readonly parent: TraceContext | null,
    private readonly startNs: bigint = nowNs(),
  ) {
    this.context = {
      traceId: parent?.traceId ?? randomHex(16),
      spanId: randomHex(8),
      sampled: parent?.sampled ?? true,
    };
  }

  child(name: string, kind: SpanKind = 'internal', startNs?: bigint): Span {
    return new Span(this.exporter, name, kind, this.context, startNs);
  }

  set(name: string, value: AttributeValue | undefined | null): this {
    if (value !== undefined && value !== null) this.attributes[name] = value;
    return this;
  }

  end(error: string | null = null, endNs: bigint = nowNs()): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.context.sampled) return;
    this.exporter.export({
      traceId: this.context.traceId,
      spanId: this.context.spanId,
      parentSpanId: this.parent?.spanId ?? null,
      name: this.name,
      kind: this.kind,
      startNs: this.startNs,
      endNs,
      attributes: { ...this.attributes },
      error,
    });
  }
}

export class Tracer {
  constructor(readonly exporter: SpanExporter) {}

  start(name: string, kind: SpanKind, parent: TraceContext | null): Span {
    return new Span(this.exporter, name, kind, parent);
  }

  /** A span that already happened: it ended now and lasted `seconds`. */
  record(parent: Span, name: string, seconds: number, error: string | null = null): void {
    const end = nowNs();
    parent.child(name, 'internal', end - BigInt(Math.round(seconds * 1e9))).end(error, end);
  }
}
