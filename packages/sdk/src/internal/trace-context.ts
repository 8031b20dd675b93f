/**
 * W3C trace context for the request being sent, taken from the application's OpenTelemetry set-up
 * when it has one, so a preflight joins the trace of the agent step that asked for it without the
 * caller passing `traceparent` by hand.
 *
 * The SDK does not depend on `@opentelemetry/api`: the API keeps its registered propagator and context
 * manager on `globalThis` under a versioned symbol, and that is read here. With no OpenTelemetry in the
 * process the lookup finds nothing and costs one property read. A caller's own `traceparent` header
 * (per call or in `defaultHeaders`) still wins, because caller headers are applied after these.
 */
import type { HeadersInit } from './headers.js';

interface OtelGlobal {
  propagation?: {
    inject(context: unknown, carrier: Record<string, string>, setter: unknown): void;
  };
  context?: { active(): unknown };
}

// The API's global slot for its current major version (it registers `propagation` and `context` there).
const OTEL_GLOBAL = Symbol.for('opentelemetry.js.api.1');
const TRACE_HEADERS = new Set(['traceparent', 'tracestate', 'baggage']);
const SETTER = {
  set(carrier: Record<string, string>, key: string, value: string) {
    carrier[key] = value;
  },
};

/** `traceparent`/`tracestate` of the active span, or nothing when there is none (or no OpenTelemetry). */
export function activeTraceHeaders(): HeadersInit | undefined {
  const api = (globalThis as Record<symbol, OtelGlobal | undefined>)[OTEL_GLOBAL];
  const propagation = api?.propagation;
  const context = api?.context;
  if (!propagation || !context) return undefined;
  const carrier: Record<string, string> = {};
  try {
    propagation.inject(context.active(), carrier, SETTER);
  } catch {
    // Tracing is never a reason for a decision to fail: send the request untraced.
    return undefined;
  }
  const out: HeadersInit = {};
  let any = false;
  for (const [name, value] of Object.entries(carrier)) {
    // Only trace headers, single-line: a propagator cannot smuggle anything else into the request.
    if (TRACE_HEADERS.has(name.toLowerCase()) && typeof value === 'string' && !/[\r\n\0]/.test(value)) {
      out[name.toLowerCase()] = value;
      any = true;
    }
  }
  return any ? out : undefined;
}
