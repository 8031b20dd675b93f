import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

// ajv-formats is CJS with a default export; under ESM interop it may arrive wrapped once more.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => void;

type Json = Record<string, unknown>;

export interface ResponseCase {
  status: number;
  example: string;
  body: unknown;
  validate: ValidateFunction;
}

export interface Operation {
  id: string;
  method: string;
  /** The contract's path, `{param}` style. */
  path: string;
  secured: boolean;
  parameters: { name: string; in: string; required: boolean; validate: ValidateFunction }[];
  requestBody?: { required: boolean; validate: ValidateFunction; examples: unknown[] };
  responses: ResponseCase[];
}

const CONTRACT_URL = new URL('../../../contract/openapi.yaml', import.meta.url);
const ID = 'https://actpass.test/openapi.json';

/** Every operation of the contract, with validators compiled from its components. */
export function loadContract(): Operation[] {
  const doc = parse(readFileSync(CONTRACT_URL, 'utf8')) as Json;
  // strict: false because the document also holds OpenAPI keywords (paths, info …) that are not JSON Schema.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: ID });
  const compile = (schema: unknown) => ajv.compile({ $id: undefined, ...rebase(schema) });
  const deref = <T>(node: T): T => {
    const ref = (node as { $ref?: string }).$ref;
    if (!ref) return node;
    return ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, key) => (at as Json)[key], doc) as T;
  };

  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [method, raw] of Object.entries(item as Json)) {
      const op = raw as Json;
      // People's sign-in (browser redirects, the console's session): not part of the SDKs.
      if (op['x-console-only'] === true) continue;
      const requestBody = op.requestBody as Json | undefined;
      const media = (requestBody?.content as Json | undefined)?.['application/json'] as Json | undefined;
      const responses: ResponseCase[] = [];
      for (const [status, rawResponse] of Object.entries(op.responses as Json)) {
        const response = deref(rawResponse as Json);
        const content = (response.content as Json)['application/json'] as Json;
        const validate = compile(content.schema);
        for (const [example, value] of Object.entries((content.examples as Json) ?? {})) {
          responses.push({ status: Number(status), example, body: (value as Json).value, validate });
        }
      }
      operations.push({
        id: op.operationId as string,
        method: method.toUpperCase(),
        path,
        secured: !(Array.isArray(op.security) && op.security.length === 0),
        parameters: ((op.parameters as Json[]) ?? []).map((p) => {
          const param = deref(p);
          return {
            name: param.name as string,
            in: param.in as string,
            required: param.required === true,
            validate: compile(param.schema),
          };
        }),
        ...(media
          ? {
              requestBody: {
                required: requestBody?.required === true,
                validate: compile(media.schema),
                examples: Object.values((media.examples as Json) ?? {}).map((e) => (e as Json).value),
              },
            }
          : {}),
        responses,
      });
    }
  }
  return operations;
}

/** Points the document's local refs (`#/components/…`) at the registered document. */
function rebase(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/', `"$ref":"${ID}#/`)) as Json;
}
