/**
 * The REST proxy's request path (SPEC §13), first refusal wins:
 *   raw target check (400) → upstream and route from config (404/405) → the agent's key (401) → body
 *   within the limit (413) and args from it (400) → preflight as the agent → anything but `allow`
 *   answers 403 (503 when no decision could be had) → forward with the vaulted credential → outcome.
 * Nothing reaches the upstream before an `allow`, and the secret never travels back to the agent: it
 * is dropped from the decision and redacted from whatever the upstream answers.
 */
import type { PreflightDecision, PreflightParams } from '@actpass/sdk';
import { CanonicalJsonError, parseJsonStrict } from '@actpass/sdk/canonical';
import {
  PROXY_HEADER_APPROVAL,
  PROXY_HEADER_DECISION,
  PROXY_HEADER_EVIDENCE,
  PROXY_HEADER_GOAL,
  PROXY_HEADER_PASSPORT,
  PROXY_HEADER_USER,
} from '../../constants.js';
import { sha256Hex } from '../../hash.js';
import { type GatewayLink, publicDecision } from '../gateway-link.js';
import { ActionError, findRoute, hasControlCharacter, type Json, planAction } from './action.js';
import type { RestProxyConfig, UpstreamConfig } from './config.js';
import { forward } from './forward.js';
import { agentHeaders, type HeaderList, upstreamHeaders } from './headers.js';
import { redact } from './redact.js';
import { checkTarget, isRefusal } from './target.js';

export interface ProxyRequest {
  method: string;
  /** The raw request target as it arrived (origin-form path and query). */
  target: string;
  /** Lower-case names. */
  headers: HeaderList;
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
  /** Host header values accepted; computed by the listener when the config names none. */
  allowedHosts: () => readonly string[];
  now?: () => number;
}

export interface RestHandler {
  handle(request: ProxyRequest): Promise<ProxyResponse>;
  /** Resolves when every outcome recorded so far has been written (or failed). */
  settled(): Promise<void>;
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

  async function handle(request: ProxyRequest): Promise<ProxyResponse> {
    const method = request.method.toUpperCase();
    const header = (name: string) => request.headers.find(([n]) => n === name)?.[1] ?? null;
    const target = checkTarget(method, request.target, header('host'), options.allowedHosts());
    if (isRefusal(target)) return refusal(target.status, target.code, target.message);
    const upstream = config.upstreams.get(target.upstream);
    if (!upstream) return refusal(404, 'proxy.no_route', 'no upstream of that name is configured.');

    let found: ReturnType<typeof findRoute>;
    try {
      found = findRoute(upstream.routes, method, target.segments);
    } catch (error) {
      return refusal(400, 'proxy.bad_target', (error as Error).message);
    }
    if ('allowed' in found) {
      return found.allowed.length > 0
        ? refusal(405, 'proxy.no_route', `${method} is not routed here; use ${found.allowed.join(' or ')}.`)
        : refusal(404, 'proxy.no_route', 'no configured route matches this path; nothing was forwarded.');
    }

    const agentKey = BEARER.exec(header('authorization') ?? '')?.[1];
    if (agentKey === undefined) {
      return refusal(401, 'auth.missing_key', 'send your ActPass API key as `Authorization: Bearer <key>`.');
    }

    let body: Buffer;
    try {
      body = await request.readBody(upstream.requestMaxBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      return refusal(413, 'proxy.body_too_large', `the body exceeds ${upstream.requestMaxBytes} bytes.`);
    }
    const contentType = header('content-type');
    let json: Json | undefined;
    if (body.length > 0 && contentType !== null && JSON_TYPE.test(contentType)) {
      try {
        json = parseJsonStrict(body.toString('utf8')) as Json;
      } catch (error) {
        if (!(error instanceof CanonicalJsonError)) throw error;
        return refusal(400, 'proxy.bad_body', `the JSON body is refused: ${error.message}.`);
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
      if (!(error instanceof ActionError)) throw error;
      return refusal(400, 'proxy.bad_args', error.message);
    }

    const input: PreflightParams = {
      goal: header(PROXY_HEADER_GOAL) ?? found.route.goal ?? found.route.tool,
      tool: plan.tool,
      args: plan.args as PreflightParams['args'],
      mode: 'enforce',
      ...(plan.resource !== undefined ? { resource: plan.resource } : {}),
      ...optional('passport', header(PROXY_HEADER_PASSPORT)),
      ...optional('approval_request_id', header(PROXY_HEADER_APPROVAL)),
      ...optional('user_id', header(PROXY_HEADER_USER)),
    };
    const { decision, reachable } = await link.decide(agentKey, input);
    const fields = {
      upstream: upstream.name,
      tool: plan.tool,
      decision: decision.decision,
      reason_code: decision.reason_code,
    };
    if (!reachable) {
      logger.warn('proxy blocked: no decision', fields);
      return blocked(503, decision);
    }
    if (decision.decision !== 'allow') {
      logger.info('proxy blocked', fields);
      return blocked(403, decision);
    }

    const secret = secretFor(upstream, decision);
    if (secret === null) {
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
    const result = await forward(upstream, method, pathAndQuery, outgoing, body);
    const durationMs = Math.round((now() - started) * 1000) / 1000;
    const outcome = {
      via: 'proxy',
      upstream: upstream.name,
      tool: plan.tool,
      method,
      decision_event_id: decision.evidence_event_id ?? null,
      action_hash: decision.action_hash ?? null,
      duration_ms: durationMs,
      ...(result.ok
        ? {
            status: result.status,
            response_bytes: result.body.length,
            response_sha256: sha256Hex(result.body),
          }
        : { status: null, error: result.kind }),
    };
    track(
      link.recordOutcome(agentKey, outcome).then((recorded) => {
        if (!recorded) logger.warn('proxy could not record an outcome', fields);
      }),
    );
    if (!result.ok) {
      logger.warn('proxy upstream failed', { ...fields, error: result.kind });
      const status = result.kind === 'timeout' ? 504 : 502;
      return refusal(
        status,
        `proxy.upstream_${result.kind}`,
        `the upstream failed: ${result.message}.`,
        false,
      );
    }
    logger.info('proxy forwarded', { ...fields, status: result.status, duration_ms: durationMs });
    const headers = agentHeaders(result.headers).map(
      ([name, value]) => [name, secret ? redact(value, secret) : value] as [string, string],
    );
    headers.push([PROXY_HEADER_DECISION, 'allow']);
    if (decision.evidence_event_id) headers.push([PROXY_HEADER_EVIDENCE, decision.evidence_event_id]);
    return { status: result.status, headers, body: secret ? redact(result.body, secret) : result.body };
  }

  return {
    handle,
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

/** The secret to inject: '' when the upstream takes none, null when it takes one that was not leased. */
function secretFor(upstream: UpstreamConfig, decision: PreflightDecision): string | null {
  if (!upstream.credential) return '';
  const lease = decision.credential;
  if (!lease || lease.name !== upstream.credential.name) return null;
  // A value that could break out of its header line is never sent.
  return hasControlCharacter(lease.value) || lease.value === '' ? null : lease.value;
}

function optional(name: string, value: string | null): Record<string, string> {
  return value === null || value === '' ? {} : { [name]: value };
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

function blocked(status: number, decision: PreflightDecision): ProxyResponse {
  return json(status, { blocked: true, decision: publicDecision(decision) });
}

function refusal(status: number, code: string, message: string, isBlocked = true): ProxyResponse {
  return json(status, { ...(isBlocked ? { blocked: true } : {}), error: { code, message } });
}
