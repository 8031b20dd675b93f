import { describe, expect, it } from 'vitest';
import { printable } from '../../src/adapters/printable.js';
import { loadVectors } from './load-vectors.js';

interface PrintableCase {
  name: string;
  text: string;
  max: number | null;
  shown: string;
}

const files = loadVectors<{ cases: PrintableCase[] }>('printable');

describe('printable vectors: agent-supplied text shown to the model', () => {
  it('has vectors to run', () => {
    expect(files.flatMap((f) => f.data.cases).length).toBeGreaterThanOrEqual(15);
  });

  for (const { file, data } of files) {
    for (const vector of data.cases) {
      it(`${file} › ${vector.name}`, () => {
        const shown = printable(vector.text, vector.max ?? Number.POSITIVE_INFINITY);
        expect(shown).toBe(vector.shown);
        if (vector.max !== null) expect(shown.length).toBeLessThanOrEqual(vector.max);
      });
    }
  }
});
