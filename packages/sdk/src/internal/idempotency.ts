/**
 * A fresh Idempotency-Key for one logical call. Uses Web Crypto from `globalThis` (no Node built-in), so
 * the default entry runs on edge runtimes and in browsers too.
 */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return `idem_${c.randomUUID()}`;
  // Older runtimes have getRandomValues but not randomUUID; 16 random bytes are just as unique.
  const bytes = c.getRandomValues(new Uint8Array(16));
  return `idem_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
