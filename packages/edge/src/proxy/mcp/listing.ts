/**
 * One upstream's listing (tools, resources, resource templates or prompts), bounded: at most so many
 * pages, items and bytes, all within one deadline. An upstream that hands out a fresh `nextCursor`
 * forever, answers with a flood, or never answers, fails here instead of stalling the proxy; the
 * caller leaves that server out.
 */
import type { ListingLimits } from './config-fields.js';

export class ListingError extends Error {
  override readonly name: string = 'ListingError';
}

/** The listing's deadline passed while the server was still starting: skip it this time only. */
export class StillStarting extends ListingError {
  override readonly name = 'StillStarting';
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | undefined;
}

/** Fetches one page; `timeoutMs` is what is left of the listing's deadline. */
export type PageFetcher<T> = (cursor: string | undefined, timeoutMs: number) => Promise<Page<T>>;

export async function listBounded<T>(
  fetchPage: PageFetcher<T>,
  limits: ListingLimits,
  deadline: number,
): Promise<T[]> {
  const items: T[] = [];
  let bytes = 0;
  let cursor: string | undefined;
  for (let pages = 1; ; pages++) {
    const page = await withDeadline(fetchPage(cursor, remaining(deadline)), deadline);
    bytes += Buffer.byteLength(JSON.stringify(page), 'utf8');
    if (bytes > limits.maxBytes)
      throw new ListingError(`the listing is larger than ${limits.maxBytes} bytes`);
    items.push(...page.items);
    if (items.length > limits.maxItems)
      throw new ListingError(`the listing has more than ${limits.maxItems} items`);
    cursor = page.nextCursor;
    if (!cursor) return items;
    if (pages >= limits.maxPages) throw new ListingError(`the listing goes on past ${limits.maxPages} pages`);
  }
}

function remaining(deadline: number): number {
  return Math.max(1, deadline - Date.now());
}

/** Rejects when the deadline passes first, whatever the upstream (or its transport) does. */
export function withDeadline<T>(work: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ListingError('the server did not answer in time')),
      remaining(deadline),
    );
    timer.unref();
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
