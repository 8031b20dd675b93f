import { SDK_VERSION } from '../constants.js';

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
