import type { Schemas } from '../core/types.js';
import type { Assert, SameShape } from './check.js';
import * as z from './z.js';

export const JwksSchema = z.object({
  keys: z.array(
    z.object({
      kty: z.literal('OKP'),
      crv: z.literal('Ed25519'),
      x: z.string(),
      kid: z.string(),
      alg: z.optional(z.string()),
      use: z.optional(z.string()),
    }),
  ),
});

export const HealthSchema = z.object({ status: z.literal('ok') });

export type _MetaInSync = [
  Assert<SameShape<z.infer<typeof JwksSchema>, Schemas['Jwks']>>,
  Assert<SameShape<z.infer<typeof HealthSchema>, Schemas['Health']>>,
];
