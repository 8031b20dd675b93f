import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from '../../src/webhooks.js';
import { loadVectors } from './load-vectors.js';

interface VerifyCase {
  name: string;
  secret: string;
  headers: Record<string, string>;
  payload: string;
  now: number;
  tolerance_seconds?: number;
  expect?: { type: string; id: string };
  error?: string;
}

interface SigningCase {
  name: string;
  secret: string;
  id: string;
  timestamp: number;
  payload: string;
  signature: string;
}

const files = loadVectors<{ cases: VerifyCase[]; signing: SigningCase[] }>('webhooks');

describe('webhook signature vectors', () => {
  it('has vectors to run', () => {
    expect(files.map((f) => f.file)).toContain('signatures.json');
  });

  for (const { file, data } of files) {
    describe(file, () => {
      for (const c of data.cases) {
        it(c.name, async () => {
          const options = { now: c.now * 1000, ...(c.tolerance_seconds ? { toleranceSeconds: c.tolerance_seconds } : {}) };
          for (const payload of [c.payload, new TextEncoder().encode(c.payload)]) {
            const outcome = await verifyWebhook(payload, c.headers, c.secret, options).then(
              (event) => ({ event }),
              (error: unknown) => ({ error }),
            );
            if (c.expect) {
              expect(outcome).toMatchObject({ event: { type: c.expect.type, id: c.expect.id } });
            } else {
              const { error } = outcome as { error: WebhookVerificationError };
              expect(error).toBeInstanceOf(WebhookVerificationError);
              expect(error.code).toBe(c.error);
              // The secret never appears in what a receiver might log.
              expect(error.message).not.toContain(c.secret.slice(6) || '\u0000');
            }
          }
        });
      }

      for (const s of data.signing) {
        it(`signing: ${s.name} verifies, and only with its own signature`, async () => {
          const headers = { 'webhook-id': s.id, 'webhook-timestamp': String(s.timestamp), 'webhook-signature': s.signature };
          const now = s.timestamp * 1000;
          if (s.payload.startsWith('{"id"')) {
            await expect(verifyWebhook(s.payload, headers, s.secret, { now })).resolves.toMatchObject({ id: s.id });
          } else {
            // Not an ActPass event: the signature holds, the payload is what is refused.
            await expect(verifyWebhook(s.payload, headers, s.secret, { now })).rejects.toMatchObject({ code: 'invalid_payload' });
          }
        });
      }
    });
  }
});
