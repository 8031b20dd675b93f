import { describe, expect, it } from 'vitest';
import { codeBlocks, program } from '../src/blocks.js';

const page = [
  '# t',
  '```ts',
  'a()',
  '```',
  '```text',
  'A',
  '```',
  'prose',
  '```ts',
  'b()',
  '```',
  '```sh',
  'x',
  '```',
].join('\n');

describe('codeBlocks', () => {
  it('pairs a code block with the text block after it', () => {
    expect(codeBlocks(page).map(({ lang, prints, line }) => ({ lang, prints, line }))).toEqual([
      { lang: 'ts', prints: 'A', line: 2 },
      { lang: 'text', prints: undefined, line: 5 },
      { lang: 'ts', prints: undefined, line: 9 },
      { lang: 'sh', prints: undefined, line: 12 },
    ]);
  });

  it('joins one language into a program in page order', () => {
    expect(program(page, 'ts')).toEqual({
      code: '// docs line 2\na()\n\n// docs line 9\nb()',
      expected: 'A',
      count: 2,
    });
  });

  it('rejects an unclosed fence', () => {
    expect(() => codeBlocks('```ts\na()')).toThrow(/unclosed code fence at line 1/);
  });
});
