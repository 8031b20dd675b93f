import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { resultReporting } from '../../scripts/vitest-reporting.mjs';

const sibling = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      // The browser tests serve the console from the gateway's source (as the gateway's own tests do),
      // so neither the gateway nor the edge need be built first.
      '@actpass/sdk/canonical': sibling('sdk/src/canonical/index.ts'),
      '@actpass/edge/cli': sibling('edge/src/cli/index.ts'),
      '@actpass/edge/text': sibling('edge/src/text/index.ts'),
      '@actpass/edge/inspect': sibling('edge/src/inspect/index.ts'),
      '@actpass/edge/tracing': sibling('edge/src/tracing/index.ts'),
      '@actpass/edge': sibling('edge/src/index.ts'),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/build-for-tests.ts'],
    ...resultReporting('console'),
  },
});
