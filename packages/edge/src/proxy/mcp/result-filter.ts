/**
 * What an upstream answers, as the agent may see it: every text the agent reads (text content items,
 * embedded resource texts, `structuredContent` strings, resource contents, prompt messages) goes
 * through the server's response filter, and every secret value the proxy knows (leased credentials,
 * its upstreams' configured ones) is redacted in any spelling, whatever the filter says. Credentials become `[REDACTED:<kind>]` and are counted by
 * kind; with `strip_hidden` invisible characters go; with `block_instructions` a text carrying an
 * instruction marker makes the whole answer refused (`marker` names it). The whole answer is walked
 * (an upstream may put text anywhere), except base64 payloads of images, audio and blobs.
 */
import {
  addRedactions,
  type FilterSettings,
  filterText,
  instructionMarker,
  type KnownSecrets,
  type Redactions,
} from '../../filter/index.js';

export interface Filtered<T> {
  value: T;
  redactions: Redactions;
  /** The instruction marker found under `block_instructions`, or null. */
  marker: string | null;
}

/** Nesting beyond this in `structuredContent` is relayed as `[REDACTED:too_deep]`, never unread. */
const MAX_DEPTH = 64;

export function filterResult<T>(
  value: T,
  settings: FilterSettings | null,
  secrets: KnownSecrets | null = null,
): Filtered<T> {
  // Known secret values are redacted whatever the server's filter says (`filter: false` included).
  const known = secrets !== null && secrets.size > 0 ? secrets : null;
  if (settings === null && known === null) return { value, redactions: {}, marker: null };
  const redactions: Redactions = {};
  let marker: string | null = null;
  const text = (input: string): string => {
    const unknown = known ? known.redact(input, redactions) : input;
    if (settings === null) return unknown;
    if (settings.blockInstructions && marker === null) marker = instructionMarker(unknown);
    return filterText(unknown, settings, redactions);
  };
  const walk = (node: unknown, depth: number): unknown => {
    if (typeof node === 'string') return text(node);
    if (depth > MAX_DEPTH) {
      addRedactions(redactions, { too_deep: 1 });
      return '[REDACTED:too_deep]';
    }
    if (Array.isArray(node)) return node.map((item) => walk(item, depth + 1));
    if (typeof node === 'object' && node !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node))
        out[k] = isBinaryPayload(node as Record<string, unknown>, k) ? v : walk(v, depth + 1);
      return out;
    }
    return node;
  };
  return { value: walk(value, 0) as T, redactions, marker };
}

/** Base64 bytes: an image or audio item's `data`, a resource's `blob`. Rewriting them would corrupt them. */
function isBinaryPayload(node: Record<string, unknown>, key: string): boolean {
  if (key === 'blob') return true;
  return key === 'data' && (node.type === 'image' || node.type === 'audio');
}
