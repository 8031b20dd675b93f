import { describe, expect, it } from 'vitest';
import {
  ActPass,
  ActPassError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  InvalidResponseError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from '../../src/index.js';
import { BASE_URL } from '../helpers/fixtures.js';
import { recordingSleep, type ScriptedResponse, scriptedFetch } from '../helpers/scripted-fetch.js';

function errorResponse(status: number, code: string): ScriptedResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': `req_${status}` },
    json: { error: { code, message: `status ${status}`, request_id: `req_${status}` } },
  };
}

const cases = [
  [400, 'request.invalid', BadRequestError],
  [401, 'auth.invalid_key', AuthenticationError],
  [403, 'auth.forbidden', PermissionDeniedError],
  [404, 'request.not_found', NotFoundError],
  [409, 'request.idempotency_conflict', ConflictError],
  [422, 'request.invalid', UnprocessableEntityError],
  [429, 'server.unavailable', RateLimitError],
  [500, 'server.internal', InternalServerError],
  [503, 'server.unavailable', InternalServerError],
  [418, 'request.invalid', APIError],
] as const;

describe('error tree', () => {
  for (const [status, code, ErrorClass] of cases) {
    it(`${status} throws ${ErrorClass.name} with status, code, request id and body`, async () => {
      const { fetch } = scriptedFetch([
        errorResponse(status, code),
        errorResponse(status, code),
        errorResponse(status, code),
      ]);
      const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch, sleep: recordingSleep().sleep });
      const error = await client.approvals.get('apr_1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toBeInstanceOf(APIError);
      expect(error).toBeInstanceOf(ActPassError);
      expect(error).toMatchObject({ status, code, requestId: `req_${status}` });
      expect((error as APIError).body).toEqual({
        error: { code, message: `status ${status}`, request_id: `req_${status}` },
      });
      expect((error as Error).message).toBe(`HTTP ${status} ${code}: status ${status}`);
    });
  }

  it('keeps a non-JSON error body as text', async () => {
    const { fetch } = scriptedFetch([{ status: 400, body: '<h1>nope</h1>' }]);
    const error = await new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch }).tools
      .list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ body: '<h1>nope</h1>', code: undefined, requestId: null });
  });

  it('throws InvalidResponseError for a 2xx body that breaks the contract, naming where', async () => {
    const { fetch } = scriptedFetch([
      { status: 200, headers: { 'x-request-id': 'req_x' }, json: { items: [{ name: 1 }] } },
    ]);
    const error = await new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch }).tools
      .list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ status: 200, requestId: 'req_x' });
    expect((error as Error).message).toMatch(/items\.0\.name/);
  });

  it('throws InvalidResponseError for a 2xx body that is not JSON, never retrying it', async () => {
    const { fetch, requests } = scriptedFetch([{ status: 200, body: 'OK' }]);
    const error = await new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch }).tools
      .list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).rawBody).toBe('OK');
    expect(requests).toHaveLength(1);
  });

  it('fails verifyPassport closed instead of throwing', async () => {
    const { fetch } = scriptedFetch([errorResponse(401, 'auth.invalid_key')]);
    const result = await new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch, logger: {} }).verifyPassport({
      token: 't.t.t',
    });
    expect(result).toMatchObject({
      valid: false,
      reason_code: 'client.http_error',
      source: 'client',
      request_id: 'req_401',
    });
    expect(result._requestId).toBe('req_401');
  });

  it('passes a gateway verification through, including an invalid one', async () => {
    const body = { valid: false, reason_code: 'passport.expired', message: 'expired' };
    const { fetch } = scriptedFetch([{ status: 200, headers: { 'x-request-id': 'req_v' }, json: body }]);
    const result = await new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch }).verifyPassport({
      token: 't.t.t',
      audience: 'a',
    });
    expect(result).toEqual(body);
    expect(result._requestId).toBe('req_v');
  });
});
