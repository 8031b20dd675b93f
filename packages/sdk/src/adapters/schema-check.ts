/**
 * A conservative check of tool arguments against the tool's JSON Schema, for frameworks whose hook runs
 * before their own validation: arguments that plainly break the schema are refused without asking for a
 * decision (so invalid model output is never decided nor recorded). Only the plain keywords are read
 * (type, properties, required, additionalProperties: false, enum, const, items, anyOf/oneOf); anything
 * else passes here and is left to the framework's own validation.
 */
type Schema = Record<string, unknown>;

const MAX_DEPTH = 32;

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      return true;
  }
}

/** The first problem found, as `path: what is wrong`, or undefined when nothing plainly breaks. */
export function schemaProblem(
  schema: unknown,
  value: unknown,
  path = 'arguments',
  depth = 0,
): string | undefined {
  if (typeof schema !== 'object' || schema === null || depth > MAX_DEPTH) return undefined;
  const s = schema as Schema;
  const branches = (Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined) as
    | unknown[]
    | undefined;
  if (branches?.every((branch) => schemaProblem(branch, value, path, depth + 1) !== undefined)) {
    return `${path}: matches none of the allowed shapes`;
  }
  const types = typeof s.type === 'string' ? [s.type] : Array.isArray(s.type) ? (s.type as string[]) : [];
  if (types.length > 0 && !types.some((type) => typeMatches(type, value))) {
    return `${path}: expected ${types.join(' or ')}`;
  }
  if (Array.isArray(s.enum) && !s.enum.some((allowed) => allowed === value)) {
    return `${path}: expected one of ${JSON.stringify(s.enum).slice(0, 120)}`;
  }
  if ('const' in s && typeof s.const !== 'object' && s.const !== value) {
    return `${path}: expected ${JSON.stringify(s.const)}`;
  }
  if (Array.isArray(value) && typeof s.items === 'object') {
    for (const [index, item] of value.entries()) {
      const problem = schemaProblem(s.items, item, `${path}[${index}]`, depth + 1);
      if (problem) return problem;
    }
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const properties = (
      typeof s.properties === 'object' && s.properties !== null ? s.properties : {}
    ) as Schema;
    for (const key of Array.isArray(s.required) ? (s.required as string[]) : []) {
      if (!Object.hasOwn(record, key)) return `${path}.${key}: required`;
    }
    for (const [key, item] of Object.entries(record)) {
      if (Object.hasOwn(properties, key)) {
        const problem = schemaProblem(properties[key], item, `${path}.${key}`, depth + 1);
        if (problem) return problem;
      } else if (s.additionalProperties === false) {
        return `${path}.${key}: not an allowed property`;
      }
    }
  }
  return undefined;
}
