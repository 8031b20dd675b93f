import * as nodeCrypto from 'node:crypto';

// `crypto.hash` (Node ≥ 20.12) hashes in one call without building a Hash object: about 1.8× faster
// for event-sized inputs, which matters because chain verification hashes every event.
const oneShot = typeof nodeCrypto.hash === 'function' ? nodeCrypto.hash : undefined;

export function sha256(data: string | Uint8Array): Buffer {
  if (oneShot) return oneShot('sha256', data, 'buffer');
  return nodeCrypto.createHash('sha256').update(data).digest();
}

/** Lower-case hex SHA-256; the form every ActPass hash (action, policy, event, tool) takes on the wire. */
export function sha256Hex(data: string | Uint8Array): string {
  if (oneShot) return oneShot('sha256', data, 'hex');
  return nodeCrypto.createHash('sha256').update(data).digest('hex');
}
