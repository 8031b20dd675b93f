/**
 * `POST /evidence` with `type: "action.outcome"` over the memory and file stores, on a gateway served
 * on loopback: the outcome must name a decision made for the calling key (cases in
 * outcome-binding-cases.ts; the PostgreSQL run is test/postgres/outcome-binding.test.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';
import { createFileStores } from '../../src/index.js';
import { outcomeBindingCases } from './outcome-binding-cases.js';

describe('an outcome recorded by the evidence call is bound to a decision of the calling key (memory)', () => {
  outcomeBindingCases(async () => ({}));
});

describe('an outcome recorded by the evidence call is bound to a decision of the calling key (file)', () => {
  outcomeBindingCases(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'actpass-outcome-binding-'));
    return { stores: createFileStores(dir), close: () => rm(dir, { recursive: true, force: true }) };
  });
});
