import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatch } from '../../src/policy/glob.js';

// Test oracle only: the implementation never turns input into a RegExp.
function oracle(pattern: string, text: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*');
  return new RegExp(`^${source}$`).test(text);
}

describe('globMatch', () => {
  it.each([
    ['*', '', true],
    ['', '', true],
    ['', 'a', false],
    ['a*', 'a', true],
    ['*a', 'ba', true],
    ['*a', 'ab', false],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXcYb', false],
    ['**', 'anything', true],
    ['?', 'a', false],
    ['?', '?', true],
    ['[a]', 'a', false],
    ['[a]', '[a]', true],
    ['a.b', 'aXb', false],
    ['Refund*', 'refund.create', false],
  ])('%j against %j is %s', (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  it('agrees with a literal-escaped regular expression on random inputs', () => {
    const alphabet = fc.constantFrom('a', 'b', '*', '?', '[', '.', '\\');
    const str = fc.array(alphabet, { maxLength: 10 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(str, str, (pattern, text) => {
        expect(globMatch(pattern, text)).toBe(oracle(pattern, text));
      }),
      { numRuns: 2000 },
    );
  });

  it('stays fast on patterns built to make naive backtracking explode', () => {
    const pattern = `${'*a'.repeat(30)}b`;
    const text = 'a'.repeat(5000);
    const start = performance.now();
    expect(globMatch(pattern, text)).toBe(false);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
