/**
 * The request fields a user types every day are documented at the source: their contract descriptions
 * become the TSDoc of the generated TypeScript types and the docstrings of the Python TypedDicts.
 */
import { describe, expect, it } from 'vitest';
import { loadDocument } from './operations.js';

type Json = Record<string, unknown>;

describe('contract descriptions', () => {
  const schemas = (loadDocument().components as Json).schemas as Json;

  it.each(['PreflightRequest', 'IssuePassportRequest'])('documents every field of %s', (name) => {
    const properties = (schemas[name] as Json).properties as Record<string, Json>;
    const undocumented = Object.entries(properties)
      .filter(([, field]) => typeof field.description !== 'string' || field.description.trim().length < 10)
      .map(([field]) => field);
    expect(undocumented).toEqual([]);
  });
});
