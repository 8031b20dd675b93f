/**
 * How the edges reach a served gateway: `node:http` / `node:https` behind the `fetch` the SDK takes.
 * Node's built-in `fetch` loads its whole HTTP client and compiles its WebAssembly parser on first use
 * (measured at ~6× the cost of the request itself in a hook process on a busy 2-core machine), and in
 * a long-lived proxy it spends more CPU per request (WHATWG streams and headers) than node:http with a
 * keep-alive agent. The SDK reads a response's `ok`, `status`, `headers.get/has` and `body` (a reader
 * it may cancel); that is what this answers with.
 *
 * Stricter than `fetch` where it matters here: it never follows redirects (a 3xx reaches the SDK,
 * which does not accept it), never asks for compression, and fails a response that is compressed
 * anyway rather than passing compressed bytes on.
 */
import { type Agent, request as httpRequest, type IncomingMessage } from 'node:http';

type Fetch = typeof fetch;

interface BodyReader {
  read(): Promise<{ done: true; value: undefined } | { done: false; value: Uint8Array }>;
  cancel(): Promise<void>;
  releaseLock(): void;
}

function headerOf(response: IncomingMessage, name: string): string | null {
  const value = response.headers[name.toLowerCase()];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** The part of a fetch `Response` the SDK reads, over a Node response. */
function asResponse(response: IncomingMessage): Response {
  const status = response.statusCode ?? 0;
  const chunks = response[Symbol.asyncIterator]();
  const cancel = async () => {
    response.destroy();
  };
  const reader: BodyReader = {
    async read() {
      const next = await chunks.next();
      return next.done
        ? { done: true, value: undefined }
        : { done: false, value: new Uint8Array(next.value) };
    },
    cancel,
    releaseLock() {},
  };
  const partial = {
    ok: status >= 200 && status < 300,
    status,
    statusText: response.statusMessage ?? '',
    headers: {
      get: (name: string) => headerOf(response, name),
      has: (name: string) => headerOf(response, name) !== null,
    },
    body: { getReader: () => reader, cancel },
  };
  return partial as unknown as Response;
}

export interface NodeHttpFetchOptions {
  /**
   * Connection pools to reuse (keep-alive), one per scheme; without them every request opens its own
   * connection, which is what a process making one request wants.
   */
  agents?: { http?: Agent; https?: Agent };
}

/** A `fetch` over node:http(s) for gateway calls (http or https base URLs). */
export function nodeHttpFetch(options: NodeHttpFetchOptions = {}): Fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const https = url.protocol === 'https:';
    const request = https
      ? (await import('node:https')).request
      : url.protocol === 'http:'
        ? httpRequest
        : undefined;
    if (!request) throw new TypeError(`the gateway URL must be http or https, not ${url.protocol}`);
    const agent = https ? options.agents?.https : options.agents?.http;
    const headers = {
      ...(init.headers as Record<string, string> | undefined),
      'accept-encoding': 'identity',
    };
    return new Promise<Response>((resolve, reject) => {
      const outgoing = request(url, {
        method: init.method ?? 'GET',
        headers,
        signal: init.signal ?? undefined,
        ...(agent ? { agent } : {}),
      });
      outgoing.on('error', reject);
      outgoing.on('response', (response) => {
        const encoding = response.headers['content-encoding'];
        if (encoding !== undefined && encoding !== 'identity') {
          response.destroy();
          reject(
            new TypeError(
              `the gateway answered with content-encoding ${encoding}, which this client does not read`,
            ),
          );
          return;
        }
        resolve(asResponse(response));
      });
      outgoing.end(typeof init.body === 'string' ? init.body : undefined);
    });
  }) as Fetch;
}
