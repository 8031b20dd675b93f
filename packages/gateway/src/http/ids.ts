/**
 * Random ids from a pooled buffer: one `randomFillSync` per 256 ids instead of one per id, which shows
 * up on the request path (every response carries a fresh request id). Same 128 bits of entropy each.
 */
import { randomFillSync } from 'node:crypto';
import { ID_RANDOM_BYTES } from '../constants.js';

const POOL_IDS = 256;
const pool = Buffer.alloc(ID_RANDOM_BYTES * POOL_IDS);
let offset = pool.byteLength;

export function randomId(prefix: string): string {
  if (offset >= pool.byteLength) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + ID_RANDOM_BYTES);
  offset += ID_RANDOM_BYTES;
  return prefix + id;
}
