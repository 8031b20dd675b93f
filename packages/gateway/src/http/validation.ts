/**
 * Request validation against the contract itself: every body, query and path parameter schema comes
 * from `src/generated/contract.ts` (the OpenAPI document as data) and is compiled once per process with
 * ajv's 2020-12 dialect. Errors become `ProblemDetail`s that name the field and say what to do.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { contract } from '../generated/contract.js';
import type { ProblemDetail } from '../store/errors.js';

const CONTRACT_ID = 'actpass-contract';

type Where = 'body' | 'query' | 'path';

export interface OperationValidators {
  body?: BodyValidator;
  query?: ValidateFunction;
  path?: ValidateFunction;
}

/**
 * Valid bodies (nearly all of them) take the fast path, which stops at the first error; only a
 * rejected body is validated again collecting every error, so the 400 can list them all.
 */
export interface BodyValidator {
  (body: unknown): boolean;
  explain(body: unknown): readonly ErrorObject[];
}

interface ParameterObject {
  name: string;
  in: string;
  required?: boolean;
  schema?: unknown;
  $ref?: string;
}

interface OperationObject {
  operationId: string;
  parameters?: ParameterObject[];
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
}

interface Instances {
  fast: Ajv2020;
  strict: Ajv2020;
  coercing: Ajv2020;
}
let compiled: Instances | undefined;

function instances(): Instances {
  if (compiled) return compiled;
  const make = (options: ConstructorParameters<typeof Ajv2020>[0]) => {
    const ajv = new Ajv2020({ allErrors: true, strict: false, ...options });
    addFormats(ajv);
    ajv.addSchema({ $id: CONTRACT_ID, components: contract.components } as Record<string, unknown>);
    return ajv;
  };
  // Query strings are text: the coercing instance turns "10" into 10 where the contract says integer.
  compiled = {
    fast: make({ allErrors: false }),
    strict: make({}),
    coercing: make({ coerceTypes: true, useDefaults: true }),
  };
  return compiled;
}

/** Compiles the validators of one contract operation. */
export function operationValidators(operation: OperationObject): OperationValidators {
  const { fast, strict, coercing } = instances();
  const validators: OperationValidators = {};
  const bodyRef = operation.requestBody?.content?.['application/json']?.schema?.$ref;
  if (bodyRef) {
    const quick = fast.compile({ $ref: absolute(bodyRef) });
    const thorough = strict.compile({ $ref: absolute(bodyRef) });
    validators.body = Object.assign((body: unknown) => quick(body) as boolean, {
      explain: (body: unknown) => (thorough(body) ? [] : (thorough.errors ?? [])),
    });
  }
  const parameters = (operation.parameters ?? []).map(resolveParameter);
  const query = parameters.filter((parameter) => parameter.in === 'query');
  if (query.length > 0) validators.query = coercing.compile(objectOf(query));
  const path = parameters.filter((parameter) => parameter.in === 'path');
  if (path.length > 0) validators.path = strict.compile(objectOf(path));
  return validators;
}

/** Details for every problem ajv found, most useful first (unknown and missing fields lead). */
export function describeErrors(
  where: Where,
  errors: readonly ErrorObject[] | null | undefined,
): ProblemDetail[] {
  const list = errors ?? [];
  const specific = list.filter((error) => !['oneOf', 'anyOf', 'if'].includes(error.keyword));
  const seen = new Set<string>();
  const details: ProblemDetail[] = [];
  for (const error of specific.length > 0 ? specific : list) {
    const detail = describe(where, error);
    const key = `${detail.path}\u0000${detail.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      details.push(detail);
    }
  }
  return details;
}

/** The fix to suggest for a detail, so the message says what to do, not only what is wrong. */
export function fixFor(detail: ProblemDetail, operationId: string): string {
  if (detail.message === 'unknown field') {
    const isTopLevelPreflight = operationId === 'preflight' && detail.path.split('.').length === 2;
    return isTopLevelPreflight ? 'remove it, or move it into `args` if it is a tool argument' : 'remove it';
  }
  if (detail.message === 'is required') return 'add it';
  return 'correct the value';
}

function describe(where: Where, error: ErrorObject): ProblemDetail {
  const base = where + pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { path: `${base}.${String(params.additionalProperty)}`, message: 'unknown field' };
    case 'required':
      return { path: `${base}.${String(params.missingProperty)}`, message: 'is required' };
    case 'enum':
      return { path: base, message: `must be one of: ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'const':
      return { path: base, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'pattern':
      return { path: base, message: `must match ${String(params.pattern)}` };
    case 'format':
      return { path: base, message: `must be a ${String(params.format)}` };
    default:
      return { path: base, message: error.message ?? `fails ${error.keyword}` };
  }
}

/** `/args/items/0` → `.args.items[0]` */
function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`))
    .join('');
}

function resolveParameter(parameter: ParameterObject): ParameterObject {
  if (!parameter.$ref) return parameter;
  const name = parameter.$ref.split('/').at(-1) as string;
  return (contract.components.parameters as Record<string, ParameterObject>)[name] as ParameterObject;
}

function objectOf(parameters: ParameterObject[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const parameter of parameters) properties[parameter.name] = rebase(parameter.schema ?? {});
  return {
    type: 'object',
    properties,
    required: parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name),
  };
}

function absolute(ref: string): string {
  return ref.startsWith('#') ? CONTRACT_ID + ref : ref;
}

/** Inline parameter schemas refer to `#/components/...` of the contract; point them at it. */
function rebase(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${CONTRACT_ID}#/components/`));
}
