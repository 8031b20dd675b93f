/**
 * `actpass.lock`: the hash of every tool definition a project approved, so CI fails when a tool server
 * starts serving something else. Listings are accepted as an array of definitions, an MCP
 * `tools/list` result (`{tools: [...]}`, camelCase `inputSchema`), or a JSON-RPC response wrapping one.
 */
import { canonicalize } from '@actpass/sdk/canonical';
import { sha256Hex } from '../crypto/hash.js';
import type { JsonObject } from '../policy/index.js';
import type { ToolDefinition } from '../store/types.js';
import { toolDefinitionHash } from './hash.js';

export const LOCK_FORMAT = 'actpass.lock/v1';

export interface ToolLock {
  format: typeof LOCK_FORMAT;
  /**
   * `fields` holds a hash per part of the definition (`description`, `input_schema.properties.amount`,
   * …), so a check can say what changed; locks written before it have only `hash` and still check.
   * `findings_acknowledged` is set by `tools lock --acknowledge-findings` on a tool with a high finding.
   */
  tools: Record<string, { hash: string; fields?: Record<string, string>; findings_acknowledged?: boolean }>;
}

/** Which parts of a drifted definition differ from the lock (absent when the lock has no `fields`). */
export interface FieldChanges {
  changed: string[];
  added: string[];
  removed: string[];
}

export interface ToolCheck {
  ok: boolean;
  drifted: Array<{ name: string; locked: string; current: string; fields?: FieldChanges }>;
  added: string[];
  removed: string[];
}

/** A listing or lock file that cannot be read; the message names the entry and the fix. */
export class ToolListingError extends Error {
  override readonly name = 'ToolListingError';
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const TOOL_NAME = /^[A-Za-z0-9_.:/-]{1,256}$/;
/**
 * MCP members a model never reads (display: title, icons, _meta; how the client runs the call:
 * execution), so they do not take part in the hash, as the MCP proxy does not relay them either.
 */
const DISPLAY_ONLY = new Set(['title', 'icons', '_meta', 'execution']);
const FIELDS: Record<string, keyof ToolDefinition> = {
  name: 'name',
  description: 'description',
  input_schema: 'input_schema',
  inputSchema: 'input_schema',
  output_schema: 'output_schema',
  outputSchema: 'output_schema',
  annotations: 'annotations',
};

export function normalizeListing(listing: unknown): ToolDefinition[] {
  const tools = toolArray(listing);
  const seen = new Set<string>();
  return tools.map((raw, index) => {
    const tool = normalizeTool(raw, `tools[${index}]`);
    if (seen.has(tool.name))
      throw new ToolListingError(`tools[${index}]: tool "${tool.name}" is listed twice.`);
    seen.add(tool.name);
    return tool;
  });
}

export function lockTools(listing: unknown): ToolLock {
  const tools: ToolLock['tools'] = {};
  const definitions = normalizeListing(listing).sort((a, b) => compare(a.name, b.name));
  for (const definition of definitions) {
    tools[definition.name] = { hash: toolDefinitionHash(definition), fields: fieldHashes(definition) };
  }
  return { format: LOCK_FORMAT, tools };
}

/** How deep a definition is split for `fields`: deep enough to name one schema property. */
const FIELD_DEPTH = 3;

function fieldHashes(definition: ToolDefinition): Record<string, string> {
  const fields: Record<string, string> = {};
  const visit = (value: unknown, path: string, depth: number) => {
    if (isObject(value) && depth < FIELD_DEPTH && Object.keys(value).length > 0) {
      for (const key of Object.keys(value).sort(compare)) visit(value[key], `${path}.${key}`, depth + 1);
    } else {
      fields[path] = sha256Hex(canonicalize(value as never));
    }
  };
  for (const key of Object.keys(definition).sort(compare)) {
    visit((definition as unknown as Record<string, unknown>)[key], key, 1);
  }
  return fields;
}

function fieldChanges(locked: Record<string, string>, current: Record<string, string>): FieldChanges {
  return {
    changed: Object.keys(current).filter((path) => path in locked && locked[path] !== current[path]),
    added: Object.keys(current).filter((path) => !(path in locked)),
    removed: Object.keys(locked).filter((path) => !(path in current)),
  };
}

export function checkTools(lock: unknown, listing: unknown): ToolCheck {
  const locked = readLock(lock);
  const current = lockTools(listing).tools;
  const drifted: ToolCheck['drifted'] = [];
  const added: string[] = [];
  for (const [name, { hash }] of Object.entries(current)) {
    const pinned = locked.tools[name];
    if (!pinned) added.push(name);
    else if (pinned.hash !== hash) {
      const now = current[name]?.fields;
      drifted.push({
        name,
        locked: pinned.hash,
        current: hash,
        ...(pinned.fields && now ? { fields: fieldChanges(pinned.fields, now) } : {}),
      });
    }
  }
  const removed = Object.keys(locked.tools)
    .filter((name) => !(name in current))
    .sort(compare);
  return { ok: drifted.length + added.length + removed.length === 0, drifted, added, removed };
}

export function readLock(value: unknown): ToolLock {
  if (!isObject(value) || value.format !== LOCK_FORMAT || !isObject(value.tools)) {
    throw new ToolListingError(`not an ${LOCK_FORMAT} file; create one with \`actpass tools lock\`.`);
  }
  for (const [name, entry] of Object.entries(value.tools)) {
    if (!isObject(entry) || typeof entry.hash !== 'string' || !HEX_SHA256.test(entry.hash)) {
      throw new ToolListingError(`tools.${name}: must be {"hash": "<hex sha-256>"}; regenerate the lock.`);
    }
    const fields = entry.fields;
    if (
      fields !== undefined &&
      !(isObject(fields) && Object.values(fields).every((h) => typeof h === 'string' && HEX_SHA256.test(h)))
    ) {
      throw new ToolListingError(`tools.${name}.fields: must map parts to hex sha-256; regenerate the lock.`);
    }
  }
  return value as unknown as ToolLock;
}

function toolArray(listing: unknown): unknown[] {
  if (Array.isArray(listing)) return listing;
  if (isObject(listing) && Array.isArray(listing.tools)) return listing.tools;
  if (isObject(listing) && isObject(listing.result) && Array.isArray(listing.result.tools))
    return listing.result.tools;
  throw new ToolListingError(
    'expected an array of tool definitions or an MCP tools/list result ({"tools": [...]}).',
  );
}

function normalizeTool(raw: unknown, where: string): ToolDefinition {
  if (!isObject(raw)) throw new ToolListingError(`${where}: must be an object.`);
  const tool: Partial<Record<keyof ToolDefinition, unknown>> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (DISPLAY_ONLY.has(key)) continue;
    const field = FIELDS[key];
    if (!field) throw new ToolListingError(`${where}.${key}: unknown field; remove it or rename it.`);
    tool[field] = value;
  }
  if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) {
    throw new ToolListingError(`${where}.name: must be a tool name of letters, digits and _.:/- characters.`);
  }
  // MCP makes descriptions optional; an absent one hashes as the empty string so adding one is drift.
  tool.description ??= '';
  if (typeof tool.description !== 'string')
    throw new ToolListingError(`${where}.description: must be a string.`);
  for (const field of ['input_schema', 'output_schema', 'annotations'] as const) {
    if (tool[field] !== undefined && !isObject(tool[field])) {
      throw new ToolListingError(`${where}.${field}: must be a JSON object.`);
    }
  }
  if (tool.input_schema === undefined)
    throw new ToolListingError(`${where}.input_schema: required (MCP: inputSchema).`);
  return tool as ToolDefinition;
}

function isObject(value: unknown): value is JsonObject & Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
