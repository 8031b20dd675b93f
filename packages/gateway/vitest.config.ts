import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { resultReporting } from '../../scripts/vitest-reporting.mjs';

export default defineConfig({
  resolve: {
    alias: {
      // Tests run against the SDK's source, so the SDK need not be built first.
      '@actpass/sdk/canonical': fileURLToPath(new URL('../sdk/src/canonical/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    ...resultReporting('gateway'),
  },
});
