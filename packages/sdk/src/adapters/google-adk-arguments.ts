/**
 * Checks the model's arguments for a Google ADK tool before ActPass is asked. ADK runs its before-tool
 * callbacks before the tool looks at its arguments (a `FunctionTool` parses its zod `parameters` only
 * inside `runAsync`; an MCP tool leaves them to the server), so the interceptor checks them first against
 * the tool's own declaration: invalid model output is refused undecided and never recorded.
 */
import type { BaseTool } from '@google/adk';
import { schemaProblem } from './schema-check.js';

/** The part of a zod object schema (v3 or v4) this reads: ADK's `FunctionTool` parses with it. */
interface ZodLike {
  safeParse(value: unknown): {
    success: boolean;
    error?: { issues?: { path?: PropertyKey[]; message?: string }[] };
  };
}

function isZodLike(value: unknown): value is ZodLike {
  return typeof (value as { safeParse?: unknown } | undefined)?.safeParse === 'function';
}

/** The first problem with `args` for `tool`, as `path: what is wrong`, or undefined when none is plain. */
export function argumentProblem(tool: BaseTool, args: Record<string, unknown>): string | undefined {
  // A FunctionTool's zod schema: the very parse ADK would run inside the tool, run before the decision.
  const parameters = (tool as { parameters?: unknown }).parameters;
  if (isZodLike(parameters)) {
    const parsed = parameters.safeParse(args);
    if (parsed.success) return undefined;
    const issue = parsed.error?.issues?.[0];
    const path = ['arguments', ...(issue?.path ?? []).map(String)].join('.');
    return `${path}: ${issue?.message ?? 'invalid'}`;
  }
  const schema = jsonSchemaOf(tool);
  return schema === undefined ? undefined : schemaProblem(schema, args);
}

/** An MCP tool's `inputSchema` as the server listed it, else the declaration ADK sends the model. */
function jsonSchemaOf(tool: BaseTool): unknown {
  const mcp = (tool as { mcpTool?: { inputSchema?: unknown } }).mcpTool?.inputSchema;
  if (typeof mcp === 'object' && mcp !== null) return mcp;
  let declaration: ReturnType<BaseTool['_getDeclaration']>;
  try {
    declaration = tool._getDeclaration();
  } catch {
    return undefined; // a declaration ADK cannot build: ADK's own call reports it
  }
  if (declaration?.parametersJsonSchema !== undefined) return declaration.parametersJsonSchema;
  return declaration?.parameters === undefined ? undefined : lowered(declaration.parameters);
}

/** A Gemini schema (`{ type: 'INTEGER', anyOf: … }`) in JSON Schema's spelling, for schemaProblem. */
function lowered(schema: unknown, depth = 0): unknown {
  if (depth > 32) return undefined;
  if (Array.isArray(schema)) return schema.map((item) => lowered(item, depth + 1));
  if (typeof schema !== 'object' || schema === null) return schema;
  const source = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (typeof source.type === 'string' && source.type !== 'TYPE_UNSPECIFIED') {
    const type = source.type.toLowerCase();
    out.type = source.nullable === true ? [type, 'null'] : type;
  }
  if (typeof source.properties === 'object' && source.properties !== null) {
    out.properties = Object.fromEntries(
      Object.entries(source.properties).map(([name, item]) => [name, lowered(item, depth + 1)]),
    );
  }
  if (source.items !== undefined) out.items = lowered(source.items, depth + 1);
  if (Array.isArray(source.anyOf)) out.anyOf = lowered(source.anyOf, depth + 1);
  if (Array.isArray(source.required)) out.required = source.required;
  if (Array.isArray(source.enum)) out.enum = source.enum;
  return out;
}
