import { canonicalize } from '@actpass/sdk/canonical';
import { sha256Hex } from '../crypto/hash.js';
import type { ToolDefinition } from '../store/types.js';

/** A tool definition hashes to the SHA-256 of its RFC 8785 canonical form. */
export function toolDefinitionHash(definition: ToolDefinition): string {
  return sha256Hex(canonicalize(definition));
}
