/**
 * Which fields a gateway's 400 named. The SDK turns a 400 into a fail-closed decision that keeps the
 * status, the error code and the message, not `error.details`; a caller that sent an optional part
 * (the enforcing proxy's carried outcomes) needs the details to tell "that part is bad" from "the
 * request is bad". The proxy's fetch is wrapped: for a request being watched (by its Idempotency-Key,
 * which is one per call), a 400 answer's `error.details[].path` values are kept until the caller takes
 * them. Every other answer passes through untouched and unread.
 */
import { randomUUID } from 'node:crypto';

/** Enough for the contract's longest error answer (100 details); a longer body is not read further. */
const ERROR_BODY_MAX_BYTES = 64 * 1024;
const DETAILS_MAX = 100;

export class RefusedFields {
  /** Watched idempotency keys → the paths their 400 named (null: no 400 seen yet). */
  readonly #named = new Map<string, readonly string[] | null>();

  /** `base`, noting the fields named by a 400 answer to a watched request. */
  wrap(base: typeof fetch): typeof fetch {
    return async (input, init) => {
      const response = await base(input, init);
      if (response.status !== 400 || this.#named.size === 0) return response;
      const key = new Headers(init?.headers).get('idempotency-key');
      if (key === null || !this.#named.has(key)) return response;
      const peeked = await peekDetails(response);
      this.#named.set(key, peeked.paths);
      return peeked.response;
    };
  }

  /** Starts watching one request: send it with the returned Idempotency-Key. */
  watch(): string {
    const key = `proxy-${randomUUID()}`;
    this.#named.set(key, null);
    return key;
  }

  /** What a 400 to the watched request named (empty when none came, or it named nothing); stops watching. */
  take(key: string): readonly string[] {
    const named = this.#named.get(key) ?? [];
    this.#named.delete(key);
    return named;
  }
}

/**
 * Reads a 400's body (up to the cap) for its `error.details[].path` values, and gives back a response
 * whose body replays what was read, then the rest: the SDK reads the answer as if untouched. Works on
 * a fetch `Response` and on the partial one `nodeHttpFetch` answers with (no `clone()` there).
 */
async function peekDetails(response: Response): Promise<{ paths: readonly string[]; response: Response }> {
  const reader = response.body?.getReader();
  if (!reader) return { paths: [], response };
  const read: Uint8Array[] = [];
  let total = 0;
  let done = false;
  try {
    while (total <= ERROR_BODY_MAX_BYTES) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        break;
      }
      read.push(next.value);
      total += next.value.byteLength;
    }
  } catch {
    // A body cut off mid-read: the SDK meets the same failure on its own read below.
    done = false;
  }
  const replay = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = read.shift();
      if (chunk) return controller.enqueue(chunk);
      if (done) return controller.close();
      try {
        const next = await reader.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        controller.error(error);
      }
    },
    cancel: () => reader.cancel(),
  });
  const replayed = new Proxy(response, {
    get(target, property) {
      if (property === 'body') return replay;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { paths: done ? detailPaths(Buffer.concat(read).toString('utf8')) : [], response: replayed };
}

/** `error.details[].path` of the contract's error shape; nothing for any other body. */
function detailPaths(text: string): readonly string[] {
  try {
    const details = (JSON.parse(text) as { error?: { details?: unknown } } | null)?.error?.details;
    if (!Array.isArray(details)) return [];
    return details
      .slice(0, DETAILS_MAX)
      .map((detail) => (detail as { path?: unknown } | null)?.path)
      .filter((path): path is string => typeof path === 'string');
  } catch {
    return [];
  }
}
