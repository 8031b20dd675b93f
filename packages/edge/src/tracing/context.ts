/**
 * The span of the request being served, for code deep in a request (a preflight's stages, a proxy's
 * calls out) to hang child spans on without passing it through every call. Only used when tracing is
 * on: `withSpan` is not called otherwise, so untraced requests pay nothing for it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Span } from './tracer.js';

const current = new AsyncLocalStorage<Span>();

export function withSpan<T>(span: Span, run: () => Promise<T>): Promise<T> {
  return current.run(span, run);
}

export function currentSpan(): Span | undefined {
  return current.getStore();
}
