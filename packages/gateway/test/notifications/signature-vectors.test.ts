/** The gateway's signer reproduces every `signing` vector in packages/contract/vectors/webhooks/. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signatureOf, signedHeaders } from '../../src/notifications/index.js';

const DIR = join(__dirname, '../../../contract/vectors/webhooks');
const files = readdirSync(DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((file) => ({
    file,
    data: JSON.parse(readFileSync(join(DIR, file), 'utf8')) as {
      signing: Array<{
        name: string;
        secret: string;
        id: string;
        timestamp: number;
        payload: string;
        signature: string;
      }>;
    },
  }));

describe('webhook signing vectors', () => {
  it('has vectors to run', () => {
    expect(files.flatMap((f) => f.data.signing).length).toBeGreaterThanOrEqual(3);
  });
  for (const { file, data } of files) {
    for (const c of data.signing) {
      it(`${file} › ${c.name}`, () => {
        expect(signatureOf(c.secret, c.id, c.timestamp, c.payload)).toBe(c.signature);
        expect(signedHeaders(c.secret, c.id, c.timestamp, c.payload)).toEqual({
          'webhook-id': c.id,
          'webhook-timestamp': String(c.timestamp),
          'webhook-signature': c.signature,
        });
      });
    }
  }
});
