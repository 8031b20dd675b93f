/**
 * Which `ai` the AI SDK adapter's tests import in this suite, read from the AI SDK itself (the
 * `ai/<version>` user agent `generateText` hands the model): the suite exists to run those tests
 * against ai 7, so it fails if the imports quietly resolve to the SDK's own ai 6.
 */
import { generateText } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';

describe('the ai 7 suite', () => {
  it('imports ai 7, not the SDK dev dependency (ai 6)', async () => {
    let userAgent = '';
    const model = new MockLanguageModelV3({
      doGenerate: async (call) => {
        userAgent = String(call.headers?.['user-agent'] ?? '');
        return {
          content: [{ type: 'text', text: 'ok' }],
          finishReason: { unified: 'stop', raw: 'stop' },
          usage: {
            inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
            outputTokens: { total: 1, text: 1, reasoning: undefined },
          },
          warnings: [],
        };
      },
    });
    await generateText({ model, prompt: 'which version?' });
    const version = /\bai\/(\S+)/.exec(userAgent)?.[1];
    console.log(`AI SDK adapter tests ran against ai@${version} on Node ${process.version}`);
    expect(version).toMatch(/^7\./);
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(22);
  });
});
