/**
 * Spans for MCP tool calls through the proxy, when tracing is on: one server span per `tools/call`,
 * parented by the caller's W3C trace context (`params._meta.traceparent`, as MCP clients propagate it,
 * or the HTTP request's `traceparent` header), under which the preflight and the upstream call are
 * client spans. With tracing off none of this runs.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  formatTraceparent,
  parseTraceparent,
  type Span,
  type Tracer,
  withSpan,
} from '../../tracing/index.js';

interface CallRequest {
  params: { _meta?: Record<string, unknown> | undefined };
}

interface CallExtra {
  requestInfo?: { headers?: Record<string, string | string[] | undefined> };
}

const BLOCKED = /^BLOCKED ([a-z0-9_.]{1,64}):/;

function incomingTraceparent(request: CallRequest, extra: CallExtra): string | null {
  const meta = request.params._meta?.traceparent;
  if (typeof meta === 'string') return meta;
  const header = extra.requestInfo?.headers?.traceparent;
  return typeof header === 'string' ? header : null;
}

/** Runs one `tools/call` inside its server span; the span says whether the call was blocked and why. */
export async function tracedCall(
  tracer: Tracer,
  request: CallRequest,
  extra: CallExtra,
  run: () => Promise<CallToolResult>,
): Promise<CallToolResult> {
  const span = tracer.start(
    'actpass.mcp tools/call',
    'server',
    parseTraceparent(incomingTraceparent(request, extra)),
  );
  const result = await withSpan(span, run);
  const first = result.content?.[0];
  // Only the reason code ActPass wrote is read back, never the tool's own output.
  const blocked = result.isError === true && first?.type === 'text' ? BLOCKED.exec(first.text) : null;
  span.set('actpass.blocked', blocked !== null).set('actpass.reason_code', blocked?.[1]);
  span.end(result.isError === true && blocked === null ? 'upstream error' : null);
  return result;
}

/** A client span for work one call does (its preflight, its upstream call), with its traceparent. */
export function childOf(parent: Span | undefined, name: string): { span: Span; traceparent: string } | null {
  if (!parent) return null;
  const span = parent.child(name, 'client');
  return { span, traceparent: formatTraceparent(span.context) };
}
