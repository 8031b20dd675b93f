/**
 * A fake `fetch` that answers each attempt from a script, failing the way undici really fails: refused
 * and DNS errors are `TypeError('fetch failed')` with `cause.code`, a timeout is a `TimeoutError`
 * DOMException, and a reset mid-body is a body stream that errors after the first bytes.
 */
export type Fault = 'connection_refused' | 'reset' | 'timeout' | 'dns';

export type ScriptedResponse =
  | { fault: Fault }
  | { status: number; headers?: Record<string, string>; body?: string; json?: unknown };

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
}

export function scriptedFetch(script: readonly ScriptedResponse[]) {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    requests.push({
      url: String(input),
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : undefined,
    });
    const step = script[requests.length - 1];
    if (!step) throw new Error(`unscripted attempt ${requests.length}`);
    return respond(step);
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

function networkError(code: string, message: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

export function respond(step: ScriptedResponse): Response {
  if ('fault' in step) {
    switch (step.fault) {
      case 'connection_refused':
        throw networkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:8787');
      case 'dns':
        throw networkError('ENOTFOUND', 'getaddrinfo ENOTFOUND gateway.invalid');
      case 'timeout':
        throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      case 'reset':
        return resetMidBody();
    }
  }
  if (step.json === undefined)
    return new Response(step.body ?? '', { status: step.status, headers: step.headers ?? {} });
  // A JSON step is served as the gateway serves JSON, unless the step names its own media type.
  const headers = new Headers(step.headers ?? {});
  if (!headers.has('content-type')) headers.set('content-type', 'application/json; charset=utf-8');
  return new Response(JSON.stringify(step.json), { status: step.status, headers });
}

function resetMidBody(): Response {
  let sent = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(new TextEncoder().encode('{"decision":"al'));
        return;
      }
      controller.error(
        new TypeError('terminated', {
          cause: Object.assign(new Error('other side closed'), { code: 'ECONNRESET' }),
        }),
      );
    },
  });
  return new Response(stream, { status: 200, headers: { 'content-type': 'application/json' } });
}

/** A recording `sleep` that returns at once, so retry tests take no real time. */
export function recordingSleep() {
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };
  return { sleep, waits };
}
