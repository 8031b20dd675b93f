import { describe, expect, it } from 'vitest';
import { retryWaitMs } from '../../src/internal/retry.js';
import { loadVectors } from './load-vectors.js';

interface RetryCase {
  name: string;
  attempt: number;
  random: number;
  headers: Record<string, string>;
  now?: string;
  expect_wait_ms: number;
}

const files = loadVectors<{ description: string; cases: RetryCase[] }>('retry');

describe('retry timing vectors', () => {
  it('has vectors to run', () => {
    expect(files.map((f) => f.file)).toEqual(expect.arrayContaining(['backoff.json', 'retry-after.json']));
  });

  for (const { file, data } of files) {
    describe(file, () => {
      for (const c of data.cases) {
        it(c.name, () => {
          const now = c.now ? Date.parse(c.now) : Date.parse('2026-01-01T00:00:00Z');
          const wait = retryWaitMs({ attempt: c.attempt, random: c.random, headers: new Headers(c.headers), now });
          expect(wait).toBe(c.expect_wait_ms);
        });
      }
    });
  }
});
