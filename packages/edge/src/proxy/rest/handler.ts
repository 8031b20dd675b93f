/**
 * The REST proxy's request path, first refusal wins:
 *   the agent's key, checked with the gateway, and its rate limit (401/429) → raw target check (400) →
 *   upstream and route from config (404/405) → body within the limit (413) → no override or encoded
 *   body (400) → args from path, query and body, nothing unmapped (400) → goal and user from the route
 *   (400 for an agent header the route does not take) → preflight as the agent → anything but `allow`
 *   answers 403 (503 when no decision could be had) → forward with the vaulted credential → the
 *   answer decoded, the vaulted secret and (in text-like answers) credential formats redacted, relayed
 *   → outcome kept for the agent key's next preflight to carry (or the evidence call, when none comes
 *   soon: see outcome-outbox.ts).
 * Nothing reaches the upstream before an `allow`, nothing about routes is said before the key is
 * accepted, and the secret never travels back to the agent: it is dropped from the decision and
 * redacted from whatever the upstream answers. Every refusal is logged at warn, counted, and (for an
 * accepted key) recorded as evidence.
 */
import type { PreflightDecision, PreflightParams } from '@actpass/sdk';
import { CanonicalJsonError, parseJsonStrict } from '@actpass/sdk/canonical';
import { PROXY_HEADER_DECISION, PROXY_HEADER_EVIDENCE } from '../../constants.js';
import {
  addRedactions,
  isTextLike,
  RESPONSE_REDACTED_EVIDENCE_TYPE,
  redactCredentialBytes,
  redactionEvidence,
  total,
} from '../../filter/index.js';
import { sha256Hex } from '../../hash.js';
import {
  currentSpan,
  formatTraceparent,
  parseTraceparent,
  type Tracer,
  withSpan,
} from '../../tracing/index.js';
import { type GatewayLink, type LinkedDecision, publicDecision } from '../gateway-link.js';
import {
  ActionError,
  findRoute,
  hasControlCharacter,
  type Json,
  planAction,
  UnmappedFieldError,
} from './action.js';
import { Admission } from './admission.js';
import type { RestProxyConfig, UpstreamConfig } from './config.js';
import { decodeBody } from './decode.js';
import { checkExtAuthz, isExtAuthzTarget } from './ext-authz.js';
import { forward } from './forward.js';
import { agentHeaders, type HeaderList, upstreamHeaders } from './headers.js';
import { OutcomeOutbox, type OutcomeRecord } from './outcome-outbox.js';
import { refusedRequestPart } from './overrides.js';
import { preflightInput } from './preflight-input.js';
import { redact, secretSpellings } from './redact.js';
import { type RefusalContext, RefusalReporter } from './refusals.js';
import type { RestProxyStats } from './stats.js';
import { checkTarget, isRefusal, type ProxyTarget, type Refusal } from './target.js';

export interface ProxyRequest {
  method: string;
  /** The raw request target as it arrived (origin-form path and query). */
  target: string;
  /** Lower-case names. */
  headers: HeaderList;
  /** The peer's address, for the failed-auth budget; never taken from a header. */
  clientAddress?: string;
  /** Reads the body; rejects with `BodyTooLargeError` past `maxBytes`. */
  readBody(maxBytes: number): Promise<Buffer>;
}

export interface ProxyResponse {
  status: number;
  headers: HeaderList;
  body: Buffer;
}

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** Where the proxy reports what it did; fields never carry a key or a secret. */
export interface ProxyLogger {
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
}

export interface RestHandlerOptions {
  config: RestProxyConfig;
  link: GatewayLink;
  logger: ProxyLogger;
  /** Spans for each request, its preflight and its upstream call; none when absent. */
  tracer?: Tracer;
  /** Host header values accepted; computed by the listener when the config names none. */
  allowedHosts: () => readonly string[];
  now?: () => number;
  /** How long an outcome waits for its agent key's next preflight (see outcome-outbox.ts). */
  outcomeIdleMs?: number;
}

/** Finds the upstream target of a request, or why it is refused. */
export type TargetLocator = (
  method: string,
  target: string,
  header: (name: string) => string | null,
) => ProxyTarget | Refusal;

/** What `decide` ends with: an answer to give as is, or an `allow` and everything it was given for. */
export type Decided =
  | { kind: 'answer'; response: ProxyResponse }
  | {
      kind: 'allowed';
      agentKey: string;
      method: string;
      upstream: UpstreamConfig;
      target: ProxyTarget;
      plan: ReturnType<typeof planAction>;
      decision: PreflightDecision;
      body: Buffer;
      fields: Record<string, unknown>;
    };

export interface RestHandler {
  handle(request: ProxyRequest): Promise<ProxyResponse>;
  /** The decision alone, nothing forwarded: for data planes that forward themselves (ext_authz). */
  decide(request: ProxyRequest, locate: TargetLocator): Promise<Decided>;
  /**
   * Sends the outcomes still waiting for a preflight through the evidence call, and resolves when every
   * outcome and refusal recorded so far has been written (or failed).
   */
  settled(): Promise<void>;
  /** Counters since start (a copy). */
  stats(): RestProxyStats;
}

const BEARER = /^Bearer[ ]+([\x21-\x7e]{1,512})[ ]*$/i;
const JSON_TYPE = /^application\/(?:[a-z0-9.+-]*\+)?json(?:\s*;.*)?$/i;

export function createRestHandler(options: RestHandlerOptions): RestHandler {
  const { config, link, logger } = options;
  const now = options.now ?? (() => performance.now());
  const pending = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };
  const admission = new Admission(config, link, now);
  const reporter = new RefusalReporter(link, logger, track, now);
  const stats = reporter.stats;
  const outbox = new OutcomeOutbox({
    sender: link,
    track,
    ...(options.outcomeIdleMs !== undefined ? { idleMs: options.outcomeIdleMs } : {}),
    onLost: (record) =>
      logger.warn('proxy could not record an outcome', {
        upstream: record.upstream,
        tool: record.tool,
        decision_event_id: record.decision_event_id,
      }),
  });

  /**
   * The preflight, carrying the outcomes waiting under this agent key. When no gateway decision came
   * back, nothing of the request was recorded (a refused batch is refused whole), so the outcomes go by
   * the evidence call instead, one record each (a bad one is refused there alone and logged as lost).
   * The request is asked again without them only when the gateway's 400 named nothing but them: a
   * request refused for its own fields fails closed with the gateway's reason, asked once.
   */
  async function decideCarrying(agentKey: string, input: PreflightParams, traceparent: string | undefined) {
    const outcomes = outbox.take(agentKey);
    if (outcomes.length === 0) return link.decide(agentKey, input, traceparent);
    const linked = await link.decide(agentKey, { ...input, outcomes: outcomes as never }, traceparent);
    if (linked.decision.source === 'gateway') return linked;
    outbox.undelivered(agentKey, outcomes);
    return refusedForOutcomesAlone(linked) ? link.decide(agentKey, input, traceparent) : linked;
  }

  /**
   * Everything up to and including the decision, shared by the proxy and the ext_authz check: the
   * answer to give (a refusal or a block), or what an `allow` was given for. `locate` finds the
   * upstream target of the request (the proxy reads it from its own path; ext_authz from the Host).
   */
  async function decide(request: ProxyRequest, locate: TargetLocator): Promise<Decided> {
    const answer = (response: ProxyResponse): Decided => ({ kind: 'answer', response });
    const method = request.method.toUpperCase();
    const header = (name: string) => request.headers.find(([n]) => n === name)?.[1] ?? null;
    const context: RefusalContext = { method, target: request.target, clientAddress: request.clientAddress };
    const refuse = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) => {
      reporter.refused(context, status, code, extra);
      return refusal(status, code, message);
    };

    const agentKey = BEARER.exec(header('authorization') ?? '')?.[1];
    const admitted = await admission.admit(agentKey, request.clientAddress);
    stats.gatewayKeyChecks = admission.counters.gatewayKeyChecks;
    if (!admitted.ok) {
      reporter.notAdmitted(context, admitted.status, admitted.code);
      const response = refusal(admitted.status, admitted.code, admitted.message);
      if (admitted.retryAfterSeconds !== undefined)
        response.headers.push(['retry-after', String(admitted.retryAfterSeconds)]);
      return answer(response);
    }
    context.agentKey = agentKey as string;
    context.keyId = admitted.keyId;

    const target = locate(method, request.target, header);
    if (isRefusal(target)) return answer(refuse(target.status, target.code, target.message));
    const upstream = config.upstreams.get(target.upstream);
    if (!upstream) return answer(refuse(404, 'proxy.no_route', 'no upstream of that name is configured.'));
    context.upstream = upstream.name;

    let found: ReturnType<typeof findRoute>;
    try {
      found = findRoute(upstream.routes, method, target.segments);
    } catch (error) {
      return answer(refuse(400, 'proxy.bad_target', (error as Error).message));
    }
    if ('allowed' in found) {
      return answer(
        found.allowed.length > 0
          ? refuse(405, 'proxy.no_route', `${method} is not routed here; use ${found.allowed.join(' or ')}.`)
          : refuse(404, 'proxy.no_route', 'no configured route matches this path; nothing was forwarded.'),
      );
    }

    let body: Buffer;
    try {
      body = await request.readBody(upstream.requestMaxBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      return answer(
        refuse(413, 'proxy.body_too_large', `the body exceeds ${upstream.requestMaxBytes} bytes.`),
      );
    }
    const contentType = header('content-type');
    const refusedPart = refusedRequestPart(request.headers, target.query, contentType, body);
    if (refusedPart)
      return answer(refuse(400, refusedPart.code, refusedPart.message, { part: refusedPart.part }));
    let json: Json | undefined;
    if (body.length > 0 && contentType !== null && JSON_TYPE.test(contentType)) {
      try {
        json = parseJsonStrict(body.toString('utf8')) as Json;
      } catch (error) {
        if (!(error instanceof CanonicalJsonError)) throw error;
        return answer(refuse(400, 'proxy.bad_body', `the JSON body is refused: ${error.message}.`));
      }
    }
    let plan: ReturnType<typeof planAction>;
    try {
      plan = planAction(found.route, found.params, {
        segments: target.segments,
        query: target.query,
        contentType,
        body,
        json,
      });
    } catch (error) {
      if (error instanceof UnmappedFieldError)
        return answer(refuse(400, 'proxy.unmapped_field', error.message, { field: error.field }));
      if (!(error instanceof ActionError)) throw error;
      return answer(refuse(400, 'proxy.bad_args', error.message));
    }
    const built = preflightInput(found.route, plan, header, agentKey as string);
    if (!built.ok) return answer(refuse(400, 'proxy.header_refused', built.message, { part: built.header }));

    const preflightSpan = currentSpan()?.child('actpass.proxy.preflight', 'client');
    const { decision, reachable } = await decideCarrying(
      agentKey as string,
      built.input,
      preflightSpan ? formatTraceparent(preflightSpan.context) : undefined,
    );
    preflightSpan?.set('actpass.decision', decision.decision).end(reachable ? null : 'no decision');
    const fields = {
      upstream: upstream.name,
      tool: plan.tool,
      decision: decision.decision,
      reason_code: decision.reason_code,
    };
    if (!reachable || decision.decision !== 'allow') {
      reporter.blocked(decision.reason_code);
      if (!reachable) logger.warn('proxy blocked: no decision', fields);
      else logger.info('proxy blocked', fields);
      return answer(blocked(reachable ? 403 : 503, decision));
    }
    return {
      kind: 'allowed',
      agentKey: agentKey as string,
      method,
      upstream,
      target,
      plan,
      decision,
      body,
      fields,
    };
  }

  async function handle(request: ProxyRequest): Promise<ProxyResponse> {
    const tracer = options.tracer;
    if (!tracer) return handleUntraced(request);
    const incoming = request.headers.find(([name]) => name === 'traceparent')?.[1];
    const span = tracer.start(
      `actpass.proxy ${request.method.toUpperCase()}`,
      'server',
      parseTraceparent(incoming),
    );
    const response = await withSpan(span, () => handleUntraced(request));
    span
      .set('http.request.method', request.method.toUpperCase())
      .set('http.response.status_code', response.status)
      .end(response.status >= 500 ? `HTTP ${response.status}` : null);
    return response;
  }

  async function handleUntraced(request: ProxyRequest): Promise<ProxyResponse> {
    if (isExtAuthzTarget(config, request.target)) return checkExtAuthz(config, self, request);
    const decided = await decide(request, (method, target, header) =>
      checkTarget(method, target, header('host'), options.allowedHosts()),
    );
    if (decided.kind === 'answer') return decided.response;
    const { agentKey, method, upstream, target, plan, decision, body, fields } = decided;

    const secret = secretFor(upstream, decision);
    if (secret === null) {
      reporter.blocked('proxy.credential_unavailable');
      logger.warn('proxy blocked: credential unavailable', fields);
      return refusal(
        503,
        'proxy.credential_unavailable',
        `the credential ${upstream.credential?.name} was not leased to the proxy; bind it to ${plan.tool} and give the proxy a key with the proxy role.`,
      );
    }
    const outgoing = upstreamHeaders(
      request.headers,
      upstream.stripHeaders,
      upstream.credential && secret ? { ...upstream.credential, secret } : null,
    );
    const started = now();
    const pathAndQuery = `${target.rest}${target.query !== null ? `?${target.query}` : ''}`;
    const upstreamSpan = currentSpan()?.child('actpass.proxy.upstream', 'client');
    if (upstreamSpan) {
      // The upstream joins the trace under the proxy's own span, not under whatever the agent sent.
      const kept = outgoing.filter(([name]) => name !== 'traceparent' && name !== 'tracestate');
      outgoing.length = 0;
      outgoing.push(...kept, ['traceparent', formatTraceparent(upstreamSpan.context)]);
      upstreamSpan.set('actpass.upstream', upstream.name).set('actpass.tool', plan.tool);
    }
    const result = await forward(upstream, method, pathAndQuery, outgoing, body);
    upstreamSpan
      ?.set('http.response.status_code', result.ok ? result.status : undefined)
      .end(result.ok ? null : result.kind);
    const decoded = result.ok
      ? await decodeBody(result.headers, result.body, upstream.responseMaxBytes)
      : null;
    const durationMs = Math.round((now() - started) * 1000) / 1000;
    const failure = !result.ok
      ? { kind: result.kind, message: result.message }
      : decoded && !decoded.ok
        ? { kind: 'undecodable' as const, message: decoded.message }
        : null;
    const plain = decoded?.ok ? decoded.body : null;
    const outcome: OutcomeRecord = {
      via: 'proxy',
      upstream: upstream.name,
      tool: plan.tool,
      method,
      decision_event_id: decision.evidence_event_id ?? null,
      action_hash: decision.action_hash ?? null,
      duration_ms: durationMs,
      ...(result.ok ? { status: result.status } : { status: null }),
      ...(plain !== null
        ? {
            response_bytes: plain.length,
            response_sha256: sha256Hex(plain),
            ...(decoded?.ok && decoded.encodings.length > 0 ? { response_encoding: decoded.encodings } : {}),
          }
        : { error: failure?.kind }),
    };
    // A decision from the gateway always names its event; without one the record can ride nowhere.
    if (outcome.decision_event_id !== null) outbox.add(agentKey, outcome);
    else
      track(
        link.recordOutcome(agentKey, outcome).then((recorded) => {
          if (!recorded) logger.warn('proxy could not record an outcome', fields);
        }),
      );
    if (failure !== null || plain === null || !result.ok) {
      const kind = failure?.kind ?? 'unreachable';
      reporter.upstreamFailed(`proxy.upstream_${kind}`);
      logger.warn('proxy upstream failed', { ...fields, error: kind });
      return refusal(
        kind === 'timeout' ? 504 : 502,
        `proxy.upstream_${kind}`,
        `the upstream failed: ${failure?.message ?? 'no answer'}; nothing of its answer was relayed.`,
        false,
      );
    }
    reporter.forwarded();
    logger.info('proxy forwarded', { ...fields, status: result.status, duration_ms: durationMs });
    const spellings = secret ? secretSpellings(secret) : [];
    const headers = agentHeaders(result.headers)
      .filter(([name]) => name !== 'content-encoding')
      .map(([name, value]) => [name, redact(value, spellings)] as [string, string]);
    headers.push([PROXY_HEADER_DECISION, 'allow']);
    if (decision.evidence_event_id) headers.push([PROXY_HEADER_EVIDENCE, decision.evidence_event_id]);
    return {
      status: result.status,
      headers,
      body: filtered(decided, redact(plain, spellings), result.headers),
    };
  }

  /**
   * Credentials the upstream put in a text-like answer, redacted by format beside the vaulted secret,
   * counted by kind and recorded as `response.redacted` evidence (kinds and counts only).
   */
  function filtered(
    allowed: Extract<Decided, { kind: 'allowed' }>,
    body: Buffer,
    upstreamHeaders: HeaderList,
  ): Buffer {
    const { upstream, agentKey, plan } = allowed;
    const contentType = upstreamHeaders.find(([name]) => name === 'content-type')?.[1] ?? null;
    if (upstream.filter === null || body.length === 0 || !isTextLike(contentType)) return body;
    const { body: out, redactions } = redactCredentialBytes(body, upstream.filter.patterns);
    if (total(redactions) === 0) return body;
    stats.filteredResponses += 1;
    addRedactions(stats.redactedByKind, redactions);
    const data = redactionEvidence({ via: 'proxy', upstream: upstream.name, tool: plan.tool }, redactions);
    logger.info('proxy redacted credentials from an answer', data);
    track(
      link.recordEvidence(agentKey, RESPONSE_REDACTED_EVIDENCE_TYPE, data).then((recorded) => {
        if (!recorded) logger.warn('proxy could not record a redaction', data);
      }),
    );
    return out;
  }

  const self: RestHandler = {
    handle,
    decide,
    async settled() {
      outbox.flushAll();
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    stats: () => ({ ...stats, byCode: { ...stats.byCode }, redactedByKind: { ...stats.redactedByKind } }),
  };
  return self;
}

/** The secret to inject: '' when the upstream takes none, null when it takes one that was not leased. */
export function secretFor(upstream: UpstreamConfig, decision: PreflightDecision): string | null {
  if (!upstream.credential) return '';
  const lease = decision.credential;
  if (!lease || lease.name !== upstream.credential.name) return null;
  // A value that could break out of its header line is never sent.
  return hasControlCharacter(lease.value) || lease.value === '' ? null : lease.value;
}

function json(status: number, body: unknown): ProxyResponse {
  return {
    status,
    headers: [
      ['content-type', 'application/json; charset=utf-8'],
      ['cache-control', 'no-store'],
    ],
    body: Buffer.from(JSON.stringify(body), 'utf8'),
  };
}

/** Whether every field a 400 named is in the carried outcomes (`body.outcomes`, `body.outcomes[i]…`). */
function refusedForOutcomesAlone(linked: LinkedDecision): boolean {
  const named = linked.refusedFields ?? [];
  return (
    named.length > 0 && named.every((path) => path === 'body.outcomes' || /^body\.outcomes[[.]/.test(path))
  );
}

function blocked(status: number, decision: PreflightDecision): ProxyResponse {
  return json(status, { blocked: true, decision: publicDecision(decision) });
}

export function refusal(status: number, code: string, message: string, isBlocked = true): ProxyResponse {
  return json(status, { ...(isBlocked ? { blocked: true } : {}), error: { code, message } });
}
