/** Shared hooks: polling with a cancellable timer, and a ticking clock. */
import { useEffect, useRef, useState } from 'preact/hooks';

/** Runs `task` now and every `intervalMs` after the previous run settled, until unmounted. */
export function usePolling(task: () => Promise<void>, intervalMs: number, deps: unknown[]): void {
  const latest = useRef(task);
  latest.current = task;
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        await latest.current();
      } finally {
        if (!stopped) timer = setTimeout(run, intervalMs);
      }
    };
    void run();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, deps);
}

export function useNow(tickMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), tickMs);
    return () => clearInterval(timer);
  }, [tickMs]);
  return now;
}
