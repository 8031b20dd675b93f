/**
 * Every string and array in the contract carries a bound (maxLength / maxItems), so generated clients,
 * validators and mock servers know the largest value the gateway accepts or sends. A value limited to a
 * list of choices (enum, const) is bounded by that list. New schemas are held to the same rule.
 */
import { describe, expect, it } from 'vitest';
import { loadDocument } from './operations.js';

type Json = Record<string, unknown>;

interface Unbounded {
  at: string;
  missing: 'maxLength' | 'maxItems';
}

function typesOf(schema: Json): unknown[] {
  return Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
}

/** Every schema under `node` that is a string or an array without its bound, by JSON pointer. */
function unboundedSchemas(node: unknown, at = '#'): Unbounded[] {
  if (Array.isArray(node)) return node.flatMap((item, index) => unboundedSchemas(item, `${at}/${index}`));
  if (node === null || typeof node !== 'object') return [];
  const schema = node as Json;
  const found: Unbounded[] = [];
  const types = typesOf(schema);
  const choices = schema.enum !== undefined || schema.const !== undefined;
  if (types.includes('string') && !choices && typeof schema.maxLength !== 'number')
    found.push({ at, missing: 'maxLength' });
  if (types.includes('array') && typeof schema.maxItems !== 'number') found.push({ at, missing: 'maxItems' });
  for (const [key, value] of Object.entries(schema)) {
    // Examples are values, not schemas.
    if (key === 'example' || key === 'examples') continue;
    found.push(...unboundedSchemas(value, `${at}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`));
  }
  return found;
}

describe('contract bounds', () => {
  const doc = loadDocument();

  it('bounds every string (maxLength) and every array (maxItems)', () => {
    const unbounded = unboundedSchemas(doc).map(({ at, missing }) => `${at}: no ${missing}`);
    expect(unbounded).toEqual([]);
  });

  it('keeps every minimum at or below its maximum', () => {
    const inverted: string[] = [];
    const visit = (node: unknown, at: string) => {
      if (Array.isArray(node)) {
        node.forEach((item, index) => {
          visit(item, `${at}/${index}`);
        });
        return;
      }
      if (node === null || typeof node !== 'object') return;
      const schema = node as Json;
      for (const [low, high] of [
        ['minLength', 'maxLength'],
        ['minItems', 'maxItems'],
      ] as const) {
        if (
          typeof schema[low] === 'number' &&
          typeof schema[high] === 'number' &&
          schema[low] > schema[high]
        ) {
          inverted.push(`${at}: ${low} ${schema[low]} > ${high} ${schema[high]}`);
        }
      }
      for (const [key, value] of Object.entries(schema)) if (key !== 'examples') visit(value, `${at}/${key}`);
    };
    visit(doc, '#');
    expect(inverted).toEqual([]);
  });

  it('finds what it is meant to find (a schema without bounds is reported)', () => {
    const probe = {
      components: {
        schemas: {
          Name: { type: 'string' },
          Tags: { type: 'array', items: { type: 'string', maxLength: 8 } },
          Either: { type: ['string', 'null'] },
          Choice: { type: 'string', enum: ['a', 'b'] },
          Bounded: { type: 'string', maxLength: 4 },
          Example: { type: 'object', examples: [{ type: 'string' }] },
        },
      },
    };
    expect(unboundedSchemas(probe)).toEqual([
      { at: '#/components/schemas/Name', missing: 'maxLength' },
      { at: '#/components/schemas/Tags', missing: 'maxItems' },
      { at: '#/components/schemas/Either', missing: 'maxLength' },
    ]);
  });
});
