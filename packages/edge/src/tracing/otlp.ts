/**
 * Spans to an OpenTelemetry collector over OTLP/HTTP with the JSON encoding (`POST <endpoint>`,
 * usually `http://collector:4318/v1/traces`). Batched (every second, or 512 spans), bounded (a queue
 * past 10,000 drops the oldest and counts it), and never on the decision path: an export that fails
 * is dropped with one warning, and nothing waits for it.
 */
import type { FinishedSpan, SpanExporter, SpanKind } from './tracer.js';

const KIND: Record<SpanKind, number> = { internal: 1, server: 2, client: 3 };
const MAX_QUEUE = 10_000;
const MAX_BATCH = 512;
const STATUS_OK = 1;
const STATUS_ERROR = 2;

export interface OtlpExporterOptions {
  /** The full traces URL, e.g. `http://127.0.0.1:4318/v1/traces`. */
  url: string;
  serviceName: string;
  serviceVersion?: string;
  intervalMs?: number;
  timeoutMs?: number;
  /** Told once per failing export (never with span contents). */
  onError?: (message: string) => void;
}

export class OtlpHttpExporter implements SpanExporter {
  private queue: FinishedSpan[] = [];
  private dropped = 0;
  private readonly timer: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly options: OtlpExporterOptions) {
    this.timer = setInterval(() => void this.flush(), options.intervalMs ?? 1000);
    this.timer.unref();
  }

  export(span: FinishedSpan): void {
    if (this.queue.length >= MAX_QUEUE) {
      this.queue.shift();
      this.dropped += 1;
    }
    this.queue.push(span);
    if (this.queue.length >= MAX_BATCH) void this.flush();
  }

  /** Spans dropped because the queue was full (the collector too slow or away). */
  droppedCount(): number {
    return this.dropped;
  }

  flush(): Promise<void> {
    this.sending = this.sending.then(async () => {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        await this.send(batch);
      }
    });
    return this.sending;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async send(batch: FinishedSpan[]): Promise<void> {
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(this.body(batch)),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      await response.arrayBuffer();
      if (!response.ok)
        this.options.onError?.(`OTLP export answered ${response.status}; ${batch.length} spans dropped`);
    } catch (error) {
      this.options.onError?.(`OTLP export failed (${(error as Error).name}); ${batch.length} spans dropped`);
    }
  }

  /** The ExportTraceServiceRequest in OTLP's JSON mapping (hex ids, int64 nanoseconds as strings). */
  private body(batch: FinishedSpan[]) {
    return {
      resourceSpans: [
        {
          resource: {
            attributes: [
              attribute('service.name', this.options.serviceName),
              ...(this.options.serviceVersion
                ? [attribute('service.version', this.options.serviceVersion)]
                : []),
            ],
          },
          scopeSpans: [
            {
              scope: {
                name: 'actpass',
                ...(this.options.serviceVersion ? { version: this.options.serviceVersion } : {}),
              },
              spans: batch.map((span) => ({
                traceId: span.traceId,
                spanId: span.spanId,
                ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
                name: span.name,
                kind: KIND[span.kind],
                startTimeUnixNano: span.startNs.toString(),
                endTimeUnixNano: span.endNs.toString(),
                attributes: Object.entries(span.attributes).map(([key, value]) => attribute(key, value)),
                status: span.error ? { code: STATUS_ERROR, message: span.error } : { code: STATUS_OK },
              })),
            },
          ],
        },
      ],
    };
  }
}

function attribute(key: string, value: string | number | boolean) {
  if (typeof value === 'boolean') return { key, value: { boolValue: value } };
  if (typeof value === 'number')
    return Number.isInteger(value)
      ? { key, value: { intValue: String(value) } }
      : { key, value: { doubleValue: value } };
  return { key, value: { stringValue: value } };
}

/**
 * The exporter the standard environment asks for: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (the full URL)
 * or `OTEL_EXPORTER_OTLP_ENDPOINT` (+ `/v1/traces`); `OTEL_SERVICE_NAME` overrides the service name.
 * Null when neither endpoint is set: tracing is then off.
 */
export function exporterFromEnv(
  env: Record<string, string | undefined>,
  defaults: { serviceName: string; serviceVersion?: string; onError?: (message: string) => void },
): OtlpHttpExporter | null {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const url = traces || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : null);
  if (!url) return null;
  if (!/^https?:\/\//.test(url)) throw new TypeError('OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL');
  return new OtlpHttpExporter({
    url,
    serviceName: env.OTEL_SERVICE_NAME || defaults.serviceName,
    ...(defaults.serviceVersion ? { serviceVersion: defaults.serviceVersion } : {}),
    ...(defaults.onError ? { onError: defaults.onError } : {}),
  });
}
