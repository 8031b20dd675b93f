/**
 * The AI SDK adapter's own test files, run against ai 7: `ai`, `@ai-sdk/*` and `zod` imported by the
 * tests resolve from this directory's npm install instead of the SDK's (ai 6), so the same cases run
 * unchanged against the repo's adapter source. Run it through ../scripts/test-ai-next.sh (Node >=22).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';
import { resultReporting } from '../../../scripts/vitest-reporting.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const SDK = fileURLToPath(new URL('..', import.meta.url));
/** Resolving from this file finds this directory's node_modules first. */
const ANCHOR = fileURLToPath(new URL('./package.json', import.meta.url));
const FROM_AI7 = /^(ai|zod|@ai-sdk\/[^/]+)(\/.*)?$/;

/** Bare imports of the AI SDK (and the zod its schemas are made with) resolve as if imported from here. */
function resolveFromAi7(): Plugin {
  return {
    name: 'actpass-resolve-from-ai7',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (!FROM_AI7.test(source) || importer === ANCHOR) return null;
      const resolved = await this.resolve(source, ANCHOR, { skipSelf: true });
      if (!resolved?.id.startsWith(`${HERE}node_modules/`)) {
        throw new Error(`${source} did not resolve inside ${HERE}node_modules: run npm ci there`);
      }
      return resolved;
    },
  };
}

export default defineConfig({
  root: SDK,
  plugins: [resolveFromAi7()],
  test: {
    include: [
      'test-ai7/ai-version.test.ts',
      'test/adapters/ai-interceptor.test.ts',
      'test/adapters/framework-loops.test.ts',
    ],
    // framework-loops also drives LangChain and the OpenAI Agents SDK: only its AI SDK cases run here.
    testNamePattern: /^(?!LangChain|OpenAI Agents)/,
    testTimeout: 10_000,
    ...resultReporting('sdk-ai7'),
  },
});
