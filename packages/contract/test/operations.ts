/**
 * The contract's operations as data, with validators compiled from its own schemas: what the contract
 * tests send and check. A request is built from the contract alone (the first request-body example, path
 * parameters made to fit their schema), so a new operation is covered as soon as it is written.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => void;

type Json = Record<string, unknown>;

export const CONTRACT_PATH = new URL('../openapi.yaml', import.meta.url);
const ID = 'https://actpass.test/openapi.json';

export interface ContractOperation {
  id: string;
  method: string;
  /** The contract's path template, `{param}` style. */
  path: string;
  /** The path with every parameter filled in by a value its schema accepts. */
  url: string;
  /** The first example of the request body, when the operation has one. */
  body?: unknown;
  bodyRequired: boolean;
  /** Every documented status. */
  statuses: string[];
  /** Validators of the documented JSON answers, by status. */
  responses: Map<string, ValidateFunction>;
}

export function loadDocument(): Json {
  return parse(readFileSync(CONTRACT_PATH, 'utf8')) as Json;
}

export function loadOperations(doc: Json = loadDocument()): ContractOperation[] {
  // strict: false because the document also holds OpenAPI keywords that are not JSON Schema.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: ID });
  const compile = (schema: unknown) => ajv.compile(rebase(schema));
  const deref = (node: Json): Json => {
    const ref = node.$ref as string | undefined;
    if (!ref) return node;
    return ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, key) => (at as Json)[key], doc) as Json;
  };

  const operations: ContractOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [method, raw] of Object.entries(item as Json)) {
      const op = raw as Json;
      const parameters = ((op.parameters as Json[] | undefined) ?? []).map(deref);
      let url = path;
      for (const parameter of parameters.filter((p) => p.in === 'path')) {
        const value = sampleFor(parameter.schema as Json, deref);
        const validate = compile(parameter.schema);
        if (!validate(value))
          throw new Error(`${op.operationId}: no sample fits path parameter ${parameter.name}`);
        url = url.replace(`{${parameter.name}}`, encodeURIComponent(value));
      }
      const media = ((op.requestBody as Json | undefined)?.content as Json | undefined)?.[
        'application/json'
      ] as Json | undefined;
      const examples = Object.values((media?.examples as Json | undefined) ?? {}).map(
        (e) => (e as Json).value,
      );
      const responses = new Map<string, ValidateFunction>();
      for (const [status, rawResponse] of Object.entries(op.responses as Json)) {
        const content = (deref(rawResponse as Json).content as Json | undefined)?.['application/json'] as
          | Json
          | undefined;
        if (content?.schema) responses.set(status, compile(content.schema));
      }
      operations.push({
        id: op.operationId as string,
        method: method.toUpperCase(),
        path,
        url,
        ...(examples.length > 0 ? { body: examples[0] } : {}),
        bodyRequired: (op.requestBody as Json | undefined)?.required === true,
        statuses: Object.keys(op.responses as Json),
        responses,
      });
    }
  }
  return operations;
}

/** A value for a path parameter: the prefix its pattern demands followed by a short id, else a tool name. */
function sampleFor(schema: Json, deref: (node: Json) => Json): string {
  const resolved = deref(schema);
  const pattern = resolved.pattern as string | undefined;
  const prefix = pattern?.match(/^\^([a-z]+_)\[/)?.[1];
  if (prefix) return `${prefix}01J9Z8Q4M5N6`;
  return 'stripe.refund.create';
}

/** Rewrites `#/...` references so they resolve inside the document registered under ID. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (node && typeof node === 'object') {
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] =
        key === '$ref' && typeof value === 'string' && value.startsWith('#')
          ? `${ID}${value}`
          : rebase(value);
    }
    return out;
  }
  return node;
}
