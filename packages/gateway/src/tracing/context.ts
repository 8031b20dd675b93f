/**
 * The span of the request being served, for code deep in a preflight (its stages) to hang child spans
 * on without passing it through every call. Only used when tracing is on: `withSpan` is not called
 * otherwise, so the decision path pays nothing for it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Span } from '@actpass/edge/tracing';

const current = new AsyncLocalStorage<Span>();

export function withSpan<T>(span: Span, run: () => Promise<T>): Promise<T> {
  return current.run(span, run);
}

export function currentSpan(): Span | undefined {
  return current.getStore();
}
