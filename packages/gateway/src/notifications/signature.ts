/**
 * Standard Webhooks signing: `webhook-signature: v1,<base64 HMAC-SHA256 over "id.timestamp.body">`,
 * keyed with the bytes inside the endpoint's `whsec_` secret. The timestamp is the attempt's own (in
 * seconds), so a receiver can refuse a replay of an old delivery.
 */
import { createHmac } from 'node:crypto';
import { secretKey } from './endpoint.js';

export function signatureOf(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestampSeconds}.${body}`);
  return `v1,${mac.digest('base64')}`;
}

export function signedHeaders(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signatureOf(secret, id, timestampSeconds, body),
  };
}
