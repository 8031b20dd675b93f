/**
 * Per-key serialization: tasks for one key run one after another, tasks for different keys interleave.
 * This is what keeps a tenant's chain linear when appends await I/O between reading the head and
 * writing the next event. It serializes within one process only.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    // Forget idle keys so the map does not grow with every tenant ever seen.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
