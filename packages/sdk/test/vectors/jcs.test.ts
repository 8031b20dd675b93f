import { describe, expect, test } from 'vitest';
import { CanonicalJsonError, canonicalBytes, canonicalize, parseJsonStrict } from '../../src/canonical/index.js';
import { loadVectors } from './load-vectors.js';

interface JcsCase {
  name: string;
  input_json: string;
  canonical?: string;
  error?: string;
}

interface JcsFile {
  description: string;
  cases: JcsCase[];
}

const files = loadVectors<JcsFile>('jcs');

describe('JCS vectors', () => {
  test('at least one vector file exists', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const { file, data } of files) {
    for (const vector of data.cases) {
      test(`${file} › ${vector.name}`, () => {
        if (vector.error !== undefined) {
          expectCanonicalError(vector.input_json, vector.error);
          return;
        }
        if (vector.canonical === undefined) throw new Error('vector has neither canonical nor error');
        const value = parseJsonStrict(vector.input_json);
        expect(canonicalize(value)).toBe(vector.canonical);
        expect(canonicalBytes(value)).toEqual(new TextEncoder().encode(vector.canonical));
        // The canonical form must be a fixed point, or a verifier re-canonicalizing it would disagree.
        // Plain JSON.parse here: canonical text of a double >= 2^53 (1e20 -> "100000000000000000000")
        // is an integer literal the strict parser refuses by design.
        expect(canonicalize(JSON.parse(vector.canonical))).toBe(vector.canonical);
      });
    }
  }
});

function expectCanonicalError(inputJson: string, code: string): void {
  let caught: unknown;
  try {
    canonicalize(parseJsonStrict(inputJson));
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CanonicalJsonError);
  expect((caught as CanonicalJsonError).code).toBe(code);
}
