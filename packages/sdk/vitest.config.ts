import { defineConfig } from 'vitest/config';
import { resultReporting } from '../../scripts/vitest-reporting.mjs';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The packaging test packs and installs the SDK; everything else runs in milliseconds.
    testTimeout: 10_000,
    ...resultReporting('sdk'),
  },
});
