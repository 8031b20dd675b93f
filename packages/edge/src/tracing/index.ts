export { currentSpan, withSpan } from './context.js';
export { exporterFromEnv, type OtlpExporterOptions, OtlpHttpExporter } from './otlp.js';
export { formatTraceparent, parseTraceparent, type TraceContext } from './traceparent.js';
export {
  type AttributeValue,
  type FinishedSpan,
  nowNs,
  Span,
  type SpanExporter,
  type SpanKind,
  Tracer,
} from './tracer.js';
