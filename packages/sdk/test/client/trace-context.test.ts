/**
 * A preflight joins the caller's trace: with OpenTelemetry set up in the application (the real API,
 * SDK, context manager and W3C propagator), the request carries the active span's `traceparent`;
 * without an active span or without OpenTelemetry it carries none; a caller's own header wins; and a
 * propagator cannot add anything but trace headers.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { ActPass } from '../../src/index.js';
import { allowDecision, BASE_URL, REFUND } from '../helpers/fixtures.js';
import { scriptedFetch } from '../helpers/scripted-fetch.js';

function clientWith() {
  const recorded = scriptedFetch([{ status: 200, json: allowDecision() }]);
  const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch: recorded.fetch, maxRetries: 0 });
  return { client, requests: recorded.requests };
}

function setUpOpenTelemetry() {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider());
  return trace.getTracer('agent');
}

afterEach(() => {
  trace.disable();
  propagation.disable();
  context.disable();
});

describe('trace context from the application', () => {
  it('sends no traceparent when the process has no OpenTelemetry', async () => {
    const { client, requests } = clientWith();
    await client.preflight(REFUND);
    expect(requests[0]?.headers.has('traceparent')).toBe(false);
  });

  it("sends the active span's traceparent, so the decision joins the agent step's trace", async () => {
    const tracer = setUpOpenTelemetry();
    const { client, requests } = clientWith();
    const spanContext = await tracer.startActiveSpan('agent step', async (span) => {
      await client.preflight(REFUND);
      span.end();
      return span.spanContext();
    });
    expect(requests[0]?.headers.get('traceparent')).toBe(
      `00-${spanContext.traceId}-${spanContext.spanId}-01`,
    );
  });

  it('sends none outside any span even with OpenTelemetry set up', async () => {
    setUpOpenTelemetry();
    const { client, requests } = clientWith();
    await client.preflight(REFUND);
    expect(requests[0]?.headers.has('traceparent')).toBe(false);
  });

  it("lets the caller's own traceparent win over the active span's", async () => {
    const tracer = setUpOpenTelemetry();
    const { client, requests } = clientWith();
    const mine = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await tracer.startActiveSpan('agent step', async (span) => {
      await client.preflight(REFUND, { headers: { traceparent: mine } });
      span.end();
    });
    expect(requests[0]?.headers.get('traceparent')).toBe(mine);
  });

  it('takes only single-line trace headers from a propagator, never credentials or other headers', async () => {
    setUpOpenTelemetry();
    propagation.disable();
    propagation.setGlobalPropagator({
      inject(_context, carrier, setter) {
        setter.set(carrier, 'authorization', 'Bearer stolen');
        setter.set(carrier, 'x-forwarded-for', '10.0.0.1');
        setter.set(carrier, 'tracestate', 'a=1\r\nx-evil: 1');
        setter.set(carrier, 'traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
      },
      extract: (ctx) => ctx,
      fields: () => ['traceparent'],
    });
    const { client, requests } = clientWith();
    await client.preflight(REFUND);
    const headers = requests[0]?.headers;
    expect(headers?.get('authorization')).toBe('Bearer k');
    expect(headers?.has('x-forwarded-for')).toBe(false);
    expect(headers?.has('tracestate')).toBe(false);
    expect(headers?.get('traceparent')).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  });

  it('still decides when the propagator throws: tracing never fails a request', async () => {
    setUpOpenTelemetry();
    propagation.disable();
    propagation.setGlobalPropagator({
      inject() {
        throw new Error('broken propagator');
      },
      extract: (ctx) => ctx,
      fields: () => [],
    });
    const { client, requests } = clientWith();
    const decision = await client.preflight(REFUND);
    expect(decision.decision).toBe('allow');
    expect(requests[0]?.headers.has('traceparent')).toBe(false);
  });
});
