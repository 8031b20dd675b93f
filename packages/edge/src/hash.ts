import { createHash } from 'node:crypto';

/** Lower-case hex SHA-256: how the edges name an action, a tool definition or a session file. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
