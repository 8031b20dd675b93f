/** What went wrong with one API call, in the gateway's own words when it gave any. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
  ) {
    super(message);
  }

  /** One line for the screen: the gateway's message, its code, and the request id to quote. */
  describe(): string {
    const id = this.requestId ? ` (request ${this.requestId})` : '';
    return `${this.message} [${this.code}]${id}`;
  }
}

/** Builds an ApiError from a non-2xx response; the body is read as untrusted JSON. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const requestId = response.headers.get('x-request-id');
  let code = `http.${response.status}`;
  let message = `The gateway answered ${response.status} ${response.statusText}.`;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(response.status, code, message, requestId);
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.describe();
  if (error instanceof Error) return `Could not reach the gateway: ${error.message}`;
  return String(error);
}
