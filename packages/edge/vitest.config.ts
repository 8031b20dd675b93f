import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { resultReporting } from '../../scripts/vitest-reporting.mjs';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      // Tests run against source: the SDK's, this package's, and the gateway's as the in-process
      // decision point (not a package dependency: the gateway depends on the edge for its CLI).
      '@actpass/sdk/canonical': source('../sdk/src/canonical/index.ts'),
      '@actpass/gateway/cli': source('../gateway/src/cli/index.ts'),
      '@actpass/gateway': source('../gateway/src/index.ts'),
      '@actpass/edge/cli': source('./src/cli/index.ts'),
      '@actpass/edge/text': source('./src/text/index.ts'),
      '@actpass/edge/inspect': source('./src/inspect/index.ts'),
      '@actpass/edge/tracing': source('./src/tracing/index.ts'),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    ...resultReporting('edge'),
  },
});
