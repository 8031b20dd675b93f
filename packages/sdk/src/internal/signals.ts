/**
 * The signal for ONE attempt: a fresh timeout joined with the caller's signal. A fresh timeout per attempt
 * matters: reusing one that already fired would abort every retry at once.
 */
export function attemptSignal(timeoutMs: number, caller: AbortSignal | undefined): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  if (!caller) return timeout;
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([caller, timeout]);
  // AbortSignal.any arrived in Node 20.3; older runtimes get the same behaviour by hand.
  const joined = new AbortController();
  for (const s of [caller, timeout]) {
    if (s.aborted) joined.abort(s.reason);
    else s.addEventListener('abort', () => joined.abort(s.reason), { once: true });
  }
  return joined.signal;
}

/**
 * Settles with `work`, or rejects when `signal` aborts first. An injected `fetch` (the in-process gateway,
 * a test double) may ignore its signal; the timeout must still hold.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export function isTimeoutReason(reason: unknown): boolean {
  return (
    typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError'
  );
}
