/**
 * Collections that forget their oldest entry once they hold more than `limit`.
 *
 * Adapters remember things about an agent's calls (held actions waiting for a person, calls a resume
 * settled) for as long as the process lives, and the agent decides how many calls it makes. Unbounded,
 * such memory would let one agent grow the process's memory without limit; bounded, the worst case is
 * that a very old entry is forgotten and the adapter asks the gateway afresh, which is always safe.
 *
 * Age is the order of the last write: writing an entry again (`set`/`add`) makes it the newest, while
 * reading it (`get`/`has`) does not. So an entry that keeps being written stays, one that is only read
 * ages out like any other.
 */

export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();
  readonly limit: number;

  constructor(limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`limit must be a whole number of at least 1; got ${String(limit)}.`);
    }
    this.limit = limit;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Stores the entry as the newest, then forgets the oldest one if the limit is passed. */
  set(key: K, value: V): this {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return this;
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  /** Keys from the oldest to the newest. */
  keys(): IterableIterator<K> {
    return this.entries.keys();
  }
}

export class BoundedSet<T> {
  private readonly members: BoundedMap<T, true>;

  constructor(limit: number) {
    this.members = new BoundedMap(limit);
  }

  get size(): number {
    return this.members.size;
  }

  get limit(): number {
    return this.members.limit;
  }

  has(member: T): boolean {
    return this.members.has(member);
  }

  /** Adds the member as the newest, then forgets the oldest one if the limit is passed. */
  add(member: T): this {
    this.members.set(member, true);
    return this;
  }

  delete(member: T): boolean {
    return this.members.delete(member);
  }

  /** Members from the oldest to the newest. */
  values(): IterableIterator<T> {
    return this.members.keys();
  }
}
