import { createHash } from 'node:crypto';
import { canonicalize } from '@actpass/sdk/canonical';
import type { ToolDefinition } from '../store/types.js';

/** SPEC §8: a tool definition hashes to the SHA-256 of its RFC 8785 canonical form. */
export function toolDefinitionHash(definition: ToolDefinition): string {
  return createHash('sha256').update(canonicalize(definition), 'utf8').digest('hex');
}
