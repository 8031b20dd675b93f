/**
 * Admin calls the SDK has no resource for yet (suspensions), made through the client's own request
 * loop so that they get its retries, deadline, errors and `--dir` transport like every other command.
 * The answer is checked for the members the command prints; the rest is passed through as it came.
 */
import type { ActPass } from '@actpass/sdk';

export type ApiRecord = Record<string, unknown>;

interface ResponseCheck {
  _check(
    value: unknown,
    path: (string | number)[],
  ): { path: (string | number)[]; message: string } | undefined;
  safeParse(
    value: unknown,
  ): { success: true; data: ApiRecord } | { success: false; error: { issues: unknown[] } };
}

interface AdminRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number>;
  body?: unknown;
  schema: ResponseCheck;
}

/** A check that the answer is an object carrying each of `members`. */
export function objectWith(...members: string[]): ResponseCheck {
  const check: ResponseCheck['_check'] = (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { path, message: 'expected an object' };
    }
    const missing = members.find((member) => !(member in value));
    return missing === undefined ? undefined : { path: [...path, missing], message: 'missing' };
  };
  return {
    _check: check,
    safeParse(value) {
      const issue = check(value, []);
      return issue
        ? { success: false, error: { issues: [issue] } }
        : { success: true, data: value as ApiRecord };
    },
  };
}

export async function adminCall(client: ActPass, request: AdminRequest): Promise<ApiRecord> {
  const requester = client as unknown as { request(spec: AdminRequest): Promise<ApiRecord> };
  return requester.request(request);
}
