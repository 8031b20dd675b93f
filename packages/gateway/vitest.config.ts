import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { resultReporting } from '../../scripts/vitest-reporting.mjs';

export default defineConfig({
  resolve: {
    alias: {
      // Tests run against the SDK's and the edge's source, so neither need be built first.
      '@actpass/sdk/canonical': fileURLToPath(new URL('../sdk/src/canonical/index.ts', import.meta.url)),
      '@actpass/edge/cli': fileURLToPath(new URL('../edge/src/cli/index.ts', import.meta.url)),
      '@actpass/edge/text': fileURLToPath(new URL('../edge/src/text/index.ts', import.meta.url)),
      '@actpass/edge/inspect': fileURLToPath(new URL('../edge/src/inspect/index.ts', import.meta.url)),
      '@actpass/edge/tracing': fileURLToPath(new URL('../edge/src/tracing/index.ts', import.meta.url)),
      '@actpass/edge': fileURLToPath(new URL('../edge/src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    ...resultReporting('gateway'),
  },
});
