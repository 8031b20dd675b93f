import { SDK_VERSION } from '../constants.js';
import { MisconfiguredError } from '../core/errors.js';

export interface HeaderInput {
  apiKey: string;
  tenantId: string | undefined;
  idempotencyKey: string | undefined;
  hasBody: boolean;
}

export function buildHeaders(input: HeaderInput): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    authorization: `Bearer ${input.apiKey}`,
    'x-actpass-sdk': `typescript/${SDK_VERSION}`,
  };
  if (input.hasBody) headers['content-type'] = 'application/json';
  // A hint only: the gateway takes the tenant from the key and answers 403 on a mismatch.
  if (input.tenantId) headers['x-actpass-tenant'] = input.tenantId;
  if (input.idempotencyKey) headers['idempotency-key'] = input.idempotencyKey;
  return headers;
}

export function requestIdOf(headers: Headers | undefined): string | null {
  return headers?.get('x-request-id') ?? null;
}

/** Headers the caller adds or, with `null`, removes: `defaultHeaders` on the client, `headers` per call. */
export type HeadersInit = Record<string, string | null | undefined>;

// RFC 9110 token characters; a value may not hold CR, LF or NUL (header injection).
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: these control characters are what is refused
const BAD_VALUE = /[\r\n\u0000]/;

/** Checks caller-supplied headers; the error names the header, never its value (it may be a secret). */
export function checkHeaders(headers: HeadersInit | undefined, option: string): void {
  if (headers === undefined) return;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new MisconfiguredError(`${option} must be an object of header names to values`, {
      fix: `Pass ${option} as { 'x-trace-id': 'abc' }.`,
    });
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      throw new MisconfiguredError(
        `${option} has an invalid header name ${JSON.stringify(name.slice(0, 40))}`,
        {
          fix: `Use letters, digits and - in ${option} names.`,
        },
      );
    }
    if (value !== null && value !== undefined && (typeof value !== 'string' || BAD_VALUE.test(value))) {
      throw new MisconfiguredError(`${option}["${name}"] is not a single-line string`, {
        fix: `Set ${option}["${name}"] to a string without line breaks (or null to remove the header).`,
      });
    }
  }
}

/** `base` with each layer applied in turn: a string sets the header, `null` removes it. */
export function mergeHeaders(base: Record<string, string>, ...layers: (HeadersInit | undefined)[]) {
  const out = { ...base };
  for (const layer of layers) {
    for (const [rawName, value] of Object.entries(layer ?? {})) {
      const name = rawName.toLowerCase();
      if (value === null) delete out[name];
      else if (value !== undefined) out[name] = value;
    }
  }
  return out;
}
