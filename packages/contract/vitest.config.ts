import { defineConfig } from 'vitest/config';
import { resultReporting } from '../../scripts/vitest-reporting.mjs';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    ...resultReporting('contract'),
  },
});
