import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { markdownLinks, quotedTitle } from '../src/links.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const pages = ['SECURITY.md', 'docs/owasp-agentic.md', 'docs/exposure.md'];

describe.each(pages)('%s: every claim links to a file and a test that exist', (page) => {
  const text = readFileSync(join(root, page), 'utf8');
  const local = markdownLinks(text).filter((l) => !/^[a-z]+:/.test(l.target) && !l.target.startsWith('#'));

  it('every relative link resolves to a file or folder in the repository', () => {
    const missing = local
      .map((l) => ({ ...l, path: resolve(dirname(join(root, page)), l.target.split('#')[0] as string) }))
      .filter((l) => !existsSync(l.path))
      .map((l) => `line ${l.line}: ${l.target}`);
    expect(missing).toEqual([]);
  });

  it('every quoted test title is a test in the linked file', () => {
    const absent = local
      .filter((l) => quotedTitle(l) !== undefined)
      .filter((l) => {
        const path = resolve(dirname(join(root, page)), l.target);
        return !statSync(path).isFile() || !readFileSync(path, 'utf8').includes(quotedTitle(l) as string);
      })
      .map((l) => `line ${l.line}: “${quotedTitle(l)}” not in ${l.target}`);
    expect(absent).toEqual([]);
  });
});

describe.each(['SECURITY.md', 'docs/owasp-agentic.md'])('%s backs its claims with tests', (page) => {
  it('names more than ten tests', () => {
    const links = markdownLinks(readFileSync(join(root, page), 'utf8'));
    expect(links.filter((l) => quotedTitle(l) !== undefined).length).toBeGreaterThan(10);
  });
});

describe('docs/owasp-agentic.md', () => {
  const rows = readFileSync(join(root, 'docs/owasp-agentic.md'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| **ASI'));

  it('has one row per risk, ASI01 to ASI10, in order, each with an honest coverage', () => {
    expect(rows.map((r) => /\*\*(ASI\d\d)/.exec(r)?.[1])).toEqual(
      Array.from({ length: 10 }, (_, i) => `ASI${String(i + 1).padStart(2, '0')}`),
    );
    for (const row of rows) expect(row.split('|')[2]?.trim()).toMatch(/^(covered|partial|not covered)$/);
  });

  it('links every row to code and to a named test', () => {
    for (const row of rows) {
      const cells = row.split(' | ');
      const links = (cell: string | undefined) => markdownLinks(cell ?? '');
      expect(links(cells[3]).length, row.slice(0, 40)).toBeGreaterThan(0);
      expect(
        links(cells[4]).filter((l) => quotedTitle(l) !== undefined).length,
        row.slice(0, 40),
      ).toBeGreaterThan(0);
    }
  });
});
