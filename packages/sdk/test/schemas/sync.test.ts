import { describe, expect, it } from 'vitest';
import type { Schemas } from '../../src/core/types.js';
import type { Assert, SameShape } from '../../src/schemas/check.js';
import { DecisionSchema } from '../../src/schemas/decision.js';
import * as z from '../../src/schemas/z.js';
import { allowDecision } from '../helpers/fixtures.js';

// The compile-time half: `tsc --noEmit -p .` type-checks this file, so each @ts-expect-error below must
// really be an error — proof that SameShape catches the drifts it exists for.
const missingOptional = z.object({ ...DecisionSchema.shape, credential: z.optional(z.string()) });
const narrowerEnum = z.object({ ...DecisionSchema.shape, mode: z.enum(['enforce', 'monitor', 'warn']) });
const { approval_request_id: _dropped, ...withoutApproval } = DecisionSchema.shape;
const droppedOptional = z.object(withoutApproval);
const extraField = z.object({ ...DecisionSchema.shape, confidence: z.number() });

// @ts-expect-error a lease is an object, not a string
type _WrongType = Assert<SameShape<z.infer<typeof missingOptional>, Schemas['Decision']>>;
// @ts-expect-error the contract has four modes
type _NarrowEnum = Assert<SameShape<z.infer<typeof narrowerEnum>, Schemas['Decision']>>;
// @ts-expect-error an optional field the contract has is missing
type _Dropped = Assert<SameShape<z.infer<typeof droppedOptional>, Schemas['Decision']>>;
// @ts-expect-error a field the contract does not have
type _Extra = Assert<SameShape<z.infer<typeof extraField>, Schemas['Decision']>>;
type _InSync = Assert<SameShape<z.infer<typeof DecisionSchema>, Schemas['Decision']>>;

describe('DecisionSchema at run time', () => {
  it('accepts the contract example and extra unknown fields', () => {
    expect(DecisionSchema.safeParse(allowDecision()).success).toBe(true);
    expect(DecisionSchema.safeParse({ ...allowDecision(), future: 1 }).success).toBe(true);
  });

  it.each([
    ['an unknown decision value', { decision: 'ALLOW' }],
    ['a client source', { source: 'client' }],
    ['a string enforced', { enforced: 'true' }],
    ['a missing explain', { explain: undefined }],
    ['an unknown mode', { mode: 'audit' }],
  ])('rejects %s', (_name, patch) => {
    expect(DecisionSchema.safeParse({ ...allowDecision(), ...patch }).success).toBe(false);
  });
});
