/**
 * Test client for the gateway: every response is checked against the contract (status declared for
 * the operation, body valid against its schema, `x-request-id` present), so a test cannot pass on a
 * response the contract does not allow.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import { contract } from '../../src/generated/contract.js';
import { createDevGateway, type DevGatewayOptions, type Gateway } from '../../src/index.js';

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema({ $id: 'contract', components: contract.components } as Record<string, unknown>);

type Json = Record<string, unknown>;
interface ResponseObject {
  $ref?: string;
  content?: Record<string, { schema: Json }>;
}
const paths = contract.paths as unknown as Record<
  string,
  Record<string, { responses: Record<string, ResponseObject> }>
>;
const templates = Object.keys(paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\./g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));
const validators = new Map<string, ValidateFunction>();

export function contractTemplate(path: string): string | undefined {
  return templates.find(({ pattern }) => pattern.test(path))?.template;
}

/** Asserts that `status` and `body` are what the contract allows for this operation. */
export function expectContractResponse(method: string, path: string, status: number, body: unknown): void {
  const template = contractTemplate(path);
  if (!template) throw new Error(`no contract path matches ${path}`);
  const operation = paths[template]?.[method.toLowerCase()];
  if (!operation) throw new Error(`contract has no ${method} ${template}`);
  let response = operation.responses[String(status)];
  if (!response)
    throw new Error(`contract does not declare ${status} for ${method} ${template}: ${JSON.stringify(body)}`);
  if (response.$ref) {
    const name = response.$ref.split('/').at(-1) as string;
    response = (contract.components.responses as Record<string, ResponseObject>)[name] as ResponseObject;
  }
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return;
  const key = `${method} ${template} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"contract#/components/'));
    validate = ajv.compile(rebased);
    validators.set(key, validate);
  }
  if (!validate(body)) {
    throw new Error(
      `${key} body violates the contract: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
    );
  }
}

export interface CallOptions {
  key?: string | null;
  body?: unknown;
  /** Sent as-is (not JSON-encoded) when a string. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response members
  body: any;
  headers: Headers;
}

export type Caller = (method: string, path: string, options?: CallOptions) => Promise<CallResult>;

/** Calls through `fetch` (or any base URL) and checks the answer against the contract. */
export function caller(
  fetchImpl: (request: Request) => Promise<Response>,
  base = 'http://gateway.test',
): Caller {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetchImpl(new Request(base + path, { method, headers, body }));
    const parsed = JSON.parse(await response.text());
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    if (contractTemplate(path.split('?')[0] as string)) {
      expectContractResponse(method, path.split('?')[0] as string, response.status, parsed);
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
}

export interface TestGateway {
  gateway: Gateway;
  call: Caller;
  keys: { tenantId: string; agent: string; approver: string; admin: string };
  other: { tenantId: string; agent: string; approver: string; admin: string };
  /** The tenant's whole ledger, read straight from the store. */
  ledger(tenantId?: string): Promise<Array<{ type: string; data: Json; seq: number }>>;
}

export function testGateway(options: DevGatewayOptions = {}): TestGateway {
  const dev = createDevGateway({ env: {}, logger: { error: () => undefined }, ...options });
  const [keys, other] = dev.tenants as [TestGateway['keys'], TestGateway['other']];
  return {
    gateway: dev.gateway,
    call: caller(dev.gateway.fetch),
    keys,
    other,
    async ledger(tenantId = keys.tenantId) {
      const events = [];
      for await (const event of dev.gateway.stores.ledger.events(tenantId)) events.push(event);
      return events as unknown as Array<{ type: string; data: Json; seq: number }>;
    },
  };
}

export const REFUND = {
  goal: 'resolve_refund_request',
  tool: 'stripe.refund.create',
  resource: 'stripe:charge:ch_1',
};

export function refund(amount: number, extra: Json = {}): Json {
  return { ...REFUND, args: { amount, currency: 'usd' }, ...extra };
}
