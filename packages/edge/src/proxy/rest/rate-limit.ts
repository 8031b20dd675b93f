/**
 * Token buckets by name (an agent key's id, a client address), held in a bounded map: the oldest
 * names are forgotten first, so a flood of new names costs memory up to the bound and no more.
 */
import type { RateLimit } from './config.js';

interface Bucket {
  tokens: number;
  at: number;
}

export type Taken = { ok: true } | { ok: false; retryAfterSeconds: number };

export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #perMs: number;

  constructor(
    readonly limit: RateLimit,
    readonly maxEntries: number,
    readonly now: () => number,
  ) {
    this.#perMs = limit.perMinute / 60_000;
  }

  /** Takes one token from `name`'s bucket, or says how many whole seconds until one is there. */
  take(name: string): Taken {
    const bucket = this.#current(name);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000)) };
  }

  /** Gives back a token taken for work that turned out not to count (never above the burst). */
  refund(name: string): void {
    const bucket = this.#buckets.get(name);
    if (bucket) bucket.tokens = Math.min(this.limit.burst, bucket.tokens + 1);
  }

  #current(name: string): Bucket {
    const at = this.now();
    let bucket = this.#buckets.get(name);
    if (bucket) {
      this.#buckets.delete(name);
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (at - bucket.at) * this.#perMs);
      bucket.at = at;
    } else {
      bucket = { tokens: this.limit.burst, at };
      if (this.#buckets.size >= this.maxEntries) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
    }
    this.#buckets.set(name, bucket);
    return bucket;
  }
}

/**
 * The address a failed-auth budget is kept for: IPv4 as is (IPv4-mapped IPv6 unwrapped), IPv6 by its
 * /64, since one host commonly holds a whole /64 and could otherwise pick a fresh address per try.
 */
export function clientBucketName(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const front = head === '' ? [] : head.split(':');
  const back = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...front, ...Array(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back]
    : front;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
