import { randomBytes } from 'node:crypto';

/** 128 random bits after a prefix (`msg_…` for events, `whd_…` for deliveries). */
export function newId(prefix: string): string {
  return prefix + randomBytes(16).toString('base64url');
}
