/**
 * The hook's way to the gateway: one request per process, so no connection pool (see node-fetch.ts
 * for why node:http rather than the built-in `fetch`).
 */
import { nodeHttpFetch } from '../../node-fetch.js';

/** A `fetch` for one hook process's gateway call (http or https base URLs). */
export function hookFetch(): typeof fetch {
  return nodeHttpFetch();
}
