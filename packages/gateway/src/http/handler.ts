/**
 * The request path, in SPEC order: route → authenticate → role and tenant hint → parse body →
 * (Idempotency-Key) → validate → operation → respond. It only translates between HTTP and the
 * concepts; every decision is made by the operation it calls.
 */
import { parseTraceparent, withSpan } from '@actpass/edge/tracing';
import { CanonicalJsonError, parseJsonStrict } from '@actpass/sdk/canonical';
import { actingPrincipal, checkTenantHint, type Principal, requireRole } from '../auth/index.js';
import { authenticateCaller } from '../auth/oidc/index.js';
import type { GatewayServices } from '../config/services.js';
import {
  HEADER_AGENT_KEY,
  HEADER_IDEMPOTENCY_KEY,
  HEADER_IDEMPOTENT_REPLAY,
  HEADER_REQUEST_ID,
  HEADER_TENANT_HINT,
  MAX_BODY_DEPTH,
  REQUEST_ID_PREFIX,
} from '../constants.js';
import { leaseAgain } from '../decide/index.js';
import { requestFingerprint } from '../idempotency/index.js';
import { writingAs } from '../ledger/index.js';
import type { StoredResponse } from '../store/types.js';

import { HttpError, mapError } from './errors.js';
import { randomId } from './ids.js';
import { exceedsDepth, findUncanonical } from './json-bounds.js';
import { OPERATIONS } from './operations/index.js';
import { requestLogEntry } from './request-log.js';
import { type Route, Router } from './routes.js';
import {
  BodyTooLargeError,
  type IncomingRequest,
  type OperationContext,
  type OutgoingResponse,
} from './types.js';
import { describeErrors, fixFor } from './validation.js';

const IDEMPOTENCY_KEY_MAX = 255;

export type GatewayHandler = (request: IncomingRequest) => Promise<OutgoingResponse>;

/** A response as this request sends it: what an idempotency record keeps, plus any headers of its own. */
type Answer = StoredResponse & { headers?: Record<string, string> };

export function createHandler(services: GatewayServices): GatewayHandler {
  const router = new Router(OPERATIONS);

  return async (request) => {
    const startedAt = Date.now();
    const started = performance.now();
    const requestId = randomId(REQUEST_ID_PREFIX);
    const seen: Seen = { principal: null };
    let response: Answer;
    let replayed = false;
    const span = services.tracer?.start(
      'actpass.http',
      'server',
      parseTraceparent(request.header('traceparent')),
    );
    try {
      const run = () => dispatch(services, router, request, requestId, seen);
      const outcome = span ? await withSpan(span, run) : await run();
      response = outcome.response;
      replayed = outcome.replayed;
    } catch (error) {
      response = errorResponse(services, error, requestId);
    }
    if (span) {
      span.name = `actpass ${seen.operation ?? 'unmatched'}`;
      span
        .set('http.request.method', request.method)
        .set('http.route', seen.route)
        .set('http.response.status_code', response.status)
        .set('actpass.request_id', requestId)
        .end(response.status >= 500 ? `HTTP ${response.status}` : null);
    }
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      [HEADER_REQUEST_ID]: requestId,
    };
    if (replayed) headers[HEADER_IDEMPOTENT_REPLAY] = 'true';
    // A sign-in redirect's location and cookie; never replayed from an idempotency record.
    if (response.headers) Object.assign(headers, response.headers, { [HEADER_REQUEST_ID]: requestId });
    services.metrics?.request(
      seen.operation ?? 'unmatched',
      response.status,
      (performance.now() - started) / 1000,
    );
    if (services.onRequest) {
      const { method, path } = request;
      const ms = performance.now() - started;
      const { status, body } = response;
      const entry = { startedAt, ms, requestId, principal: seen.principal, method, path, status, body };
      try {
        services.onRequest(requestLogEntry(entry));
      } catch {
        // A failing log sink must not change the answer the caller gets.
      }
    }
    return { status: response.status, headers, body: response.body };
  };
}

/** What dispatch learned before it answered, for the request log. */
interface Seen {
  principal: Principal | null;
  /** The contract's operationId once routed (a bounded label for metrics). */
  operation?: string;
  /** The route's path template (`/api/v1/approvals/{id}`), never the raw path. */
  route?: string;
}

async function dispatch(
  services: GatewayServices,
  router: Router,
  request: IncomingRequest,
  requestId: string,
  seen: Seen,
): Promise<{ response: Answer; replayed: boolean }> {
  const match = router.match(request.method, request.path);
  if (match.kind === 'none') {
    throw new HttpError(
      404,
      'request.not_found',
      `No route for ${request.method} ${request.path}; check the path.`,
    );
  }
  if (match.kind === 'wrong_method') {
    throw new HttpError(
      405,
      'request.invalid',
      `${request.method} is not supported here; use ${match.allowed.join(' or ')}.`,
    );
  }
  const { route, params } = match;
  seen.operation = route.operationId;
  seen.route = route.template;
  if (route.spec.liveness !== true) await services.ready();

  const principal =
    route.spec.roles === null
      ? null
      : actingPrincipal(
          services.keys,
          authenticateCaller(services.keys, services.signIn, request.header('authorization')),
          request.header(HEADER_AGENT_KEY),
        );
  seen.principal = principal;
  if (principal && route.spec.roles) {
    requireRole(principal, route.spec.roles);
    checkTenantHint(
      principal,
      request.header(HEADER_TENANT_HINT) ?? undefined,
      `The ${HEADER_TENANT_HINT} header`,
    );
  }
  const body = route.hasBody ? await readJsonBody(services, request, route) : undefined;
  if (principal && isObject(body) && typeof body.tenant_id === 'string') {
    checkTenantHint(principal, body.tenant_id, 'body.tenant_id');
  }

  const idempotencyKey = request.method === 'POST' ? request.header(HEADER_IDEMPOTENCY_KEY) : null;
  if (
    idempotencyKey !== null &&
    (idempotencyKey.length === 0 || idempotencyKey.length > IDEMPOTENCY_KEY_MAX)
  ) {
    throw new HttpError(
      400,
      'request.invalid',
      `Idempotency-Key: must be 1-${IDEMPOTENCY_KEY_MAX} characters.`,
    );
  }
  const context: OperationContext = {
    services,
    principal,
    body,
    params,
    query: Object.fromEntries(new URLSearchParams(request.query)),
    requestId,
    idempotencyKey,
    header: (name) => request.header(name),
  };
  // What this request's own run answered, lease included; only the lease-free form is stored.
  let sent: Answer | undefined;
  const execute = async () => {
    const produced = await runOperation(services, route, context);
    sent = produced.sent;
    return produced.stored;
  };
  // A pure operation writes nothing, so nothing is stored for its key either: a retry re-runs it.
  if (idempotencyKey === null || principal === null || route.spec.pure) {
    await execute();
    return { response: sent as Answer, replayed: false };
  }
  // Scoped to the key that sent it: another caller reusing the same Idempotency-Key gets its own answer.
  const scope = JSON.stringify([principal.tenantId, principal.keyId]);
  const fingerprint = requestFingerprint(request.method, request.path, body);
  const outcome = await services.idempotency.run(
    scope,
    idempotencyKey,
    fingerprint,
    execute,
    route.spec.ledgerRecordsKey
      ? { ledgerRecordsKey: { tenantId: principal.tenantId, keyId: principal.keyId } }
      : {},
  );
  if (!outcome.replayed) return { response: sent ?? outcome.response, replayed: false };
  return { response: await relay(services, principal, outcome.response), replayed: true };
}

/** A stored answer as it is replayed: with a fresh lease on the credential it carried, if still there. */
async function relay(
  services: GatewayServices,
  principal: Principal,
  stored: StoredResponse,
): Promise<StoredResponse> {
  if (!stored.credential) return { status: stored.status, body: stored.body };
  // Leased to the same kind of caller: a proxy-delivered credential again only to the proxy.
  const toProxy = principal.viaProxyKeyId !== undefined;
  const lease = await leaseAgain(
    services.decide.leaseCredential,
    principal.tenantId,
    stored.credential,
    toProxy,
  );
  if (!lease) return { status: stored.status, body: stored.body };
  return { status: stored.status, body: withCredential(stored.body, lease) };
}

function withCredential(body: string, credential: unknown): string {
  return JSON.stringify({ ...(JSON.parse(body) as object), credential });
}

/**
 * Validation and the operation; failures become stored responses, so a replay repeats a 400 too.
 * `sent` is this caller's answer; `stored` is what an idempotency record keeps (no lease value).
 */
async function runOperation(
  services: GatewayServices,
  route: Route,
  context: OperationContext,
): Promise<{ sent: Answer; stored: StoredResponse }> {
  try {
    validate(route, context);
    const { principal } = context;
    // Every ledger event the operation causes records this key as its writer.
    const result = await (principal === null
      ? route.spec.run(context)
      : writingAs(
          {
            key_id: principal.keyId,
            roles: [...principal.roles],
            ...(principal.actor ? { actor: principal.actor } : {}),
          },
          () => route.spec.run(context),
        ));
    const body = JSON.stringify(result.body);
    if (!result.lease) {
      const response = { status: result.status, body };
      return { sent: result.headers ? { ...response, headers: result.headers } : response, stored: response };
    }
    const { tool, credential } = result.lease;
    return {
      sent: { status: result.status, body: JSON.stringify({ ...(result.body as object), credential }) },
      stored: { status: result.status, body, credential: { tool, name: credential.name } },
    };
  } catch (error) {
    const response = errorResponse(services, error, context.requestId);
    return { sent: response, stored: response };
  }
}

function validate(route: Route, context: OperationContext): void {
  const { validators } = route;
  const problems = [
    ...(validators.path && !validators.path(context.params)
      ? describeErrors('path', validators.path.errors)
      : []),
    ...(validators.query && !validators.query(context.query)
      ? describeErrors('query', validators.query.errors)
      : []),
  ];
  if (validators.body && context.body !== undefined && !route.spec.validatesOwnBody) {
    if (!validators.body(context.body))
      problems.push(...describeErrors('body', validators.body.explain(context.body)));
  }
  const first = problems[0];
  if (!first) return;
  const more = problems.length > 1 ? ` (${problems.length} problems in total, see error.details)` : '';
  throw new HttpError(
    400,
    'request.invalid',
    `${first.path}: ${first.message}; ${fixFor(first, route.operationId)}.${more}`,
    problems,
  );
}

async function readJsonBody(
  services: GatewayServices,
  request: IncomingRequest,
  route: Route,
): Promise<unknown> {
  let text: string;
  try {
    text = await request.readBody(services.maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw new HttpError(400, 'request.invalid', `body: exceeds ${services.maxBodyBytes} bytes; send less.`);
    }
    throw error;
  }
  if (text.trim() === '') {
    if (!route.bodyRequired) return undefined;
    throw new HttpError(400, 'request.invalid', 'body: is required; send a JSON object.');
  }
  if (exceedsDepth(text, MAX_BODY_DEPTH)) {
    const message = `nested deeper than ${MAX_BODY_DEPTH} levels, the limit for every body`;
    throw new HttpError(400, 'request.invalid', `body: ${message}; send flatter JSON.`, [
      { path: 'body', message },
    ]);
  }
  let body: unknown;
  try {
    body = parseJsonStrict(text);
  } catch (error) {
    if (!(error instanceof CanonicalJsonError)) throw error;
    const where = error.path === '$' ? 'body' : `body${error.path.slice(1)}`;
    const problem = error.message.replace(/ at \$.*$/s, '');
    throw new HttpError(
      400,
      'request.invalid',
      `${where}: ${problem}; send strict JSON (no duplicate keys, integers within ±(2^53-1)).`,
      [{ path: where, message: problem }],
    );
  }
  const uncanonical = findUncanonical(body, 'body');
  if (uncanonical) {
    const { fix, ...detail } = uncanonical;
    throw new HttpError(400, 'request.invalid', `${detail.path}: ${detail.message}; ${fix}.`, [detail]);
  }
  return body;
}

function errorResponse(services: GatewayServices, error: unknown, requestId: string): StoredResponse {
  const mapped = mapError(error, requestId);
  if (mapped.unexpected) {
    services.logger.error('unexpected gateway error', {
      request_id: requestId,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
  if (mapped.status === 503 && error instanceof Error && error.cause !== undefined) {
    services.logger.error('store unavailable', { request_id: requestId, cause: String(error.cause) });
  }
  return { status: mapped.status, body: JSON.stringify(mapped.body) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
