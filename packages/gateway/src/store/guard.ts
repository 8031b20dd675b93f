/**
 * Wraps every store so that anything it throws (a full disk, a lost database connection, a corrupt
 * file) surfaces as `StoreUnavailableError` naming the store. Errors that are answers rather than
 * failures (a ledger refusing secret-looking data, a vault without a key) pass through unchanged.
 */
import { StoreUnavailableError } from './errors.js';
import type { GatewayStores } from './types.js';

const ANSWER_ERRORS = new Set([
  'LedgerInputError',
  'VaultNoKeyError',
  'LedgerChainBrokenError',
  'VaultDecryptError',
]);

export function guardStores(stores: GatewayStores): GatewayStores {
  const guarded = {} as Record<string, unknown>;
  for (const [name, store] of Object.entries(stores)) guarded[name] = guardStore(name, store as object);
  return guarded as unknown as GatewayStores;
}

function guardStore<T extends object>(name: string, store: T): T {
  const wrappers = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      let wrapper = wrappers.get(property);
      if (!wrapper) {
        wrapper = (...args: unknown[]) => callGuarded(name, () => value.apply(target, args));
        wrappers.set(property, wrapper);
      }
      return wrapper;
    },
  });
}

function callGuarded(name: string, call: () => unknown): unknown {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    throw translate(name, error);
  }
  if (result instanceof Promise) return result.catch((error) => Promise.reject(translate(name, error)));
  if (isAsyncIterable(result)) return guardIterable(name, result);
  return result;
}

async function* guardIterable<T>(name: string, iterable: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* iterable;
  } catch (error) {
    throw translate(name, error);
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function translate(name: string, error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (error instanceof Error && ANSWER_ERRORS.has(error.name)) return error;
  return new StoreUnavailableError(name, { cause: error });
}
