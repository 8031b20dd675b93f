/** Session ids the proxies mint or accept, in the form the gateway accepts. */
import { randomUUID } from 'node:crypto';
import { sha256Hex } from '../hash.js';

const SESSION_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** A fresh id for one MCP connection. */
export function mintSessionId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

/**
 * The session a request belongs to: the id the client sent (when it is one the gateway accepts), or
 * else one session per agent key (named by a digest of the key, never the key).
 */
export function sessionFromHeader(
  header: string | string[] | undefined | null,
  agentKey: string,
): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === null || value === '') return `key-${sha256Hex(agentKey).slice(0, 32)}`;
  return SESSION_ID.test(value) ? value : null;
}

export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && SESSION_ID.test(value);
}
