import {
  API_PREFIX,
  DEFAULT_BASE_URL,
  DEFAULT_DEADLINE_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_MAX_RETRIES,
  DEFAULT_MODE,
  DEFAULT_TIMEOUT_MS,
  ENV_API_KEY,
  ENV_BASE_URL,
  ENV_LOG,
  OUTCOME_QUEUE_CONCURRENCY,
  OUTCOME_QUEUE_LIMIT,
} from './constants.js';
import type { PassportVerificationResult, PreflightDecision } from './core/decision.js';
import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  DeadlineExceededError,
  MisconfiguredError,
} from './core/errors.js';
import type { GuardParams, GuardResult } from './core/guard.js';
import type { Logger } from './core/logger.js';
import type {
  EvidenceEvent,
  Health,
  IssuedPassport,
  IssuePassportParams,
  Jwks,
  Mode,
  PassportRevocation,
  PreflightParams,
  RecordEvidenceParams,
  RequestOptions,
  VerifyPassportParams,
  WhoAmI,
  WithResponse,
} from './core/types.js';
import { checkedMode, checkedOptions, MODES } from './internal/client-options.js';
import { readEnv } from './internal/env.js';
import { clientDecision } from './internal/fail-closed.js';
import { runGuard } from './internal/guard.js';
import { buildHeaders, checkHeaders, type HeadersInit, mergeHeaders } from './internal/headers.js';
import { newIdempotencyKey } from './internal/idempotency.js';
import { consoleLogger, escapeForLog, LOG_LEVELS, type LogLevel, safeLogger } from './internal/logging.js';
import { OutcomeQueue } from './internal/outcomes.js';
import { errorBody, parseResult, sendOnce, withResponse } from './internal/request.js';
import { isRetryableStatus, retryWaitMs } from './internal/retry.js';
import { sleep as realSleep, type SleepFn } from './internal/sleep.js';
import { nearest, quoted } from './internal/suggest.js';
import { activeTraceHeaders } from './internal/trace-context.js';
import { Approvals } from './resources/approvals.js';
import { Credentials } from './resources/credentials.js';
import { Evidence } from './resources/evidence.js';
import { Passports } from './resources/passports.js';
import { PolicyResource } from './resources/policy.js';
import { Reports } from './resources/reports.js';
import { Suspensions } from './resources/suspensions.js';
import { Tools } from './resources/tools.js';
import { Webhooks } from './resources/webhooks.js';
import { DecisionSchema, EvidenceEventSchema, HealthSchema, JwksSchema } from './schemas/index.js';
import { WhoAmISchema } from './schemas/reports.js';
import type { Schema } from './schemas/z.js';

export interface ClientOptions {
  /** Falls back to `ACTPASS_API_KEY`. Without either, decisions fail closed as `client.misconfigured`. */
  apiKey?: string | undefined;
  /** Sent as the `x-actpass-tenant` hint; the gateway takes the tenant from the key and 403s a mismatch. */
  tenantId?: string | undefined;
  /** Fills `agent_id` on calls that do not name one. */
  agentId?: string | undefined;
  /**
   * Falls back to `ACTPASS_BASE_URL`, then to `http://127.0.0.1:8787` — the embedded gateway's dev
   * address (`actpass dev`). There is no hosted default in this repository.
   */
  baseUrl?: string | undefined;
  /** Alias of `baseUrl` (openai's spelling); setting both to different values throws. */
  baseURL?: string | undefined;
  /** Default mode of `preflight()` and `guard()` (default `enforce`). */
  mode?: Mode | undefined;
  /** Timeout of each attempt, in ms (default 10 000). */
  timeoutMs?: number | undefined;
  /** Retries after the first attempt (default 2). */
  maxRetries?: number | undefined;
  /**
   * Overall deadline of one call across its attempts and backoff waits, in ms (default 15 000). Each
   * attempt's timeout is cut to what is left of it; a retry that could not start in time is not made.
   */
  deadlineMs?: number | undefined;
  /**
   * Largest response body read, in bytes after decompression (default 1 MiB). Reading stops there; a
   * larger 2xx is never parsed (`client.invalid_response`).
   */
  maxResponseBytes?: number | undefined;
  /** A `fetch` to use instead of `globalThis.fetch` (e.g. the embedded gateway's in-process handler). */
  fetch?: typeof fetch | undefined;
  /** Where the SDK reports retries and fail-closed decisions (default: warnings and errors to the console). */
  logger?: Logger | undefined;
  /**
   * Lowest level logged: `debug` adds one line per HTTP request (method, path, status, request id, ms,
   * attempt), `info`, `warn`, `error`, `off`. Falls back to `ACTPASS_LOG`; without either, the console
   * logger shows `warn` and up and a `logger` of yours gets every level.
   */
  logLevel?: LogLevel | undefined;
  /**
   * Headers sent with every request (a proxy's, a trace id). `null` removes one the SDK would send;
   * the per-call `headers` option goes on top of these.
   */
  defaultHeaders?: HeadersInit | undefined;
  /** Waits between retries; inject one to test retries without real time passing. */
  sleep?: SleepFn | undefined;
  /** Source of the backoff jitter in [0, 1) (default `Math.random`). */
  random?: (() => number) | undefined;
  /** Clock for Retry-After dates and approval deadlines (default `Date.now`). */
  now?: (() => number) | undefined;
  /** Whether `guard()` records an `action.outcome` evidence event after `execute` (default true). */
  recordOutcomes?: boolean | undefined;
}

interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined> | undefined;
  body?: unknown;
  schema: Schema<T>;
  options?: RequestOptions | undefined;
}

/** @internal Shared with the resources and `guard()`; not part of the API. */
export interface ClientInternals {
  sleep: SleepFn;
  now: () => number;
  log: Required<Logger>;
  mode: Mode;
  recordOutcomes: boolean;
  outcomes: OutcomeQueue;
  /** After `close()`: outcome records are sent before `guard()` returns, nothing is left behind. */
  closed: boolean;
}

/** Probes served at the gateway's root, outside `/api/v1`. */
const UNVERSIONED: readonly string[] = ['/healthz', '/readyz'];

const BASE_URL_FIX = `Set baseUrl (or ${ENV_BASE_URL}) to the gateway's root, e.g. ${DEFAULT_BASE_URL}.`;

/** Fields a decision cannot be asked without: named here, before a request goes out. */
function checkActionFields(input: PreflightParams): void {
  const loose = input as unknown as Record<string, unknown>;
  for (const [field, example] of [
    ['tool', 'a dotted tool name such as "stripe.refund.create"'],
    ['goal', 'why the agent acts, such as "resolve_refund_request"'],
  ] as const) {
    const value = loose[field];
    if (typeof value !== 'string' || value.length === 0) {
      throw new MisconfiguredError(`the action has no \`${field}\``, {
        fix: `Pass \`${field}\`: ${example}.`,
      });
    }
  }
}

/**
 * The gateway's root. A base URL ending in the API prefix (`…/api/v1`, the most common slip) is
 * taken as its root rather than sent to `…/api/v1/api/v1/…` and answered 404.
 */
function normaliseBaseUrl(raw: string): string {
  const trimmed = raw.replace(/\/+$/, '');
  return trimmed.endsWith(API_PREFIX) ? trimmed.slice(0, -API_PREFIX.length) : trimmed;
}

function deadlinePassed(deadlineMs: number, lastProblem: string): DeadlineExceededError {
  return new DeadlineExceededError({
    message: `no answer within the ${deadlineMs} ms deadline (deadlineMs); last: ${lastProblem}`,
  });
}

function checkLimits(limits: Record<string, number>): void {
  for (const [name, value] of Object.entries(limits)) {
    const ok = name === 'maxRetries' ? Number.isInteger(value) && value >= 0 : value > 0;
    if (!ok || !Number.isFinite(value)) {
      const wanted = name === 'maxRetries' ? 'a whole number ≥ 0' : 'a positive number';
      throw new MisconfiguredError(`${name} must be ${wanted}, not ${value}`, {
        fix: `Set ${name} to ${wanted} (client option or per-call option).`,
      });
    }
  }
}

/**
 * The ActPass client. Construction throws only for options that are certainly wrong (an unknown option
 * name, an unknown mode or log level, a malformed header); a missing key or a bad base URL surfaces on
 * the first call, where `preflight()` and `guard()` fail closed.
 */
export class ActPass {
  readonly approvals: Approvals;
  readonly tools: Tools;
  readonly credentials: Credentials;
  readonly evidence: Evidence;
  readonly policy: PolicyResource;
  readonly reports: Reports;
  /** The kill switch: suspend and resume agents, users, tools or the tenant (admin). */
  readonly suspensions: Suspensions;
  readonly webhooks: Webhooks;
  /** @internal */
  readonly _internals: ClientInternals;

  readonly #apiKey: string | undefined;
  readonly #tenantId: string | undefined;
  readonly #agentId: string | undefined;
  readonly #baseUrl: string;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #deadlineMs: number;
  readonly #maxResponseBytes: number;
  readonly #fetch: typeof fetch | undefined;
  readonly #random: () => number;
  readonly #passports: Passports;
  readonly #options: ClientOptions;
  readonly #defaultHeaders: HeadersInit | undefined;

  constructor(given: ClientOptions = {}) {
    const options = checkedOptions(given);
    checkedMode(options.mode, 'the mode option');
    checkHeaders(options.defaultHeaders, 'defaultHeaders');
    this.#defaultHeaders = options.defaultHeaders;
    this.#apiKey = options.apiKey ?? readEnv(ENV_API_KEY);
    this.#tenantId = options.tenantId;
    this.#agentId = options.agentId;
    this.#baseUrl = normaliseBaseUrl(options.baseUrl ?? readEnv(ENV_BASE_URL) ?? DEFAULT_BASE_URL);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.#deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#fetch = options.fetch;
    this.#random = options.random ?? Math.random;
    this.#options = { ...options };
    const apiKey = this.#apiKey;
    const level = logLevelOf(options);
    const log = safeLogger(options.logger ?? consoleLogger, () => (apiKey ? [apiKey] : []), level);
    this._internals = {
      sleep: options.sleep ?? realSleep,
      now: options.now ?? Date.now,
      log,
      mode: options.mode ?? DEFAULT_MODE,
      recordOutcomes: options.recordOutcomes ?? true,
      outcomes: new OutcomeQueue(log, OUTCOME_QUEUE_LIMIT, OUTCOME_QUEUE_CONCURRENCY),
      closed: false,
    };
    this.approvals = new Approvals(this);
    this.tools = new Tools(this);
    this.credentials = new Credentials(this);
    this.evidence = new Evidence(this);
    this.policy = new PolicyResource(this);
    this.reports = new Reports(this);
    this.suspensions = new Suspensions(this);
    this.webhooks = new Webhooks(this);
    this.#passports = new Passports(this, this.#agentId);
  }

  /**
   * Decide one action. Never throws for transport or response problems: when no valid decision arrives
   * it returns the SDK's own fail-closed `deny` (`source: 'client'`).
   */
  async preflight(
    input: PreflightParams,
    options?: RequestOptions,
  ): Promise<WithResponse<PreflightDecision>> {
    const mode = input.mode ?? this._internals.mode;
    try {
      if (!(MODES as readonly string[]).includes(mode)) {
        const meant = typeof mode === 'string' ? nearest(mode, MODES) : 'enforce';
        throw new MisconfiguredError(`unknown mode ${quoted(mode)}: did you mean "${meant}"?`, {
          fix: `Set mode to one of ${MODES.join(', ')}.`,
        });
      }
      checkActionFields(input);
      const body = { ...input, mode, agent_id: input.agent_id ?? this.#agentId };
      const path = '/actions/preflight';
      return await this.request({ method: 'POST', path, body, schema: DecisionSchema, options });
    } catch (error) {
      const decision = clientDecision(error, mode);
      this._internals.log.warn('fail-closed decision', {
        reason_code: decision.reason_code,
        tool: input.tool,
        mode,
        request_id: decision.request_id ?? null,
        summary: decision.explain.summary,
      });
      return withResponse(decision, null, decision.request_id ?? null);
    }
  }

  /** Decide, then run `execute` only where the mode table allows. Never throws (see {@link GuardResult}). */
  guard<T>(params: GuardParams<T>): Promise<GuardResult<T>> {
    return runGuard(this, params);
  }

  /**
   * A copy of this client with some options replaced (`client.withOptions({ timeoutMs: 2_000 })`),
   * like openai's. The copy shares this client's outcome queue, so `flush()` on either drains both.
   */
  withOptions(overrides: ClientOptions): ActPass {
    const copy = new ActPass({ ...this.#options, ...checkedOptions(overrides) });
    copy._internals.outcomes = this._internals.outcomes;
    return copy;
  }

  /**
   * Resolves when every outcome record `guard()` queued so far has been sent (or given up on, with a
   * warning naming its evidence id). Call it before a short-lived process exits.
   */
  flush(): Promise<void> {
    return this._internals.outcomes.flush();
  }

  /** Drains the outcome queue; later `guard()` calls send their outcome before returning. */
  async close(): Promise<void> {
    this._internals.closed = true;
    await this._internals.outcomes.flush();
  }

  /** `await using client = new ActPass(…)` drains the outcome queue when the scope ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Issue a short-lived, single-use passport. `agentId` defaults to the client's. */
  issuePassport(
    params: IssuePassportParams,
    options?: RequestOptions,
  ): Promise<WithResponse<IssuedPassport>> {
    return this.#passports.issue(params, options);
  }

  /**
   * Verify a token without consuming it. Never throws for transport or response problems: it then
   * answers `valid: false` with `source: 'client'` and a `client.*` reason.
   */
  verifyPassport(
    params: VerifyPassportParams,
    options?: RequestOptions,
  ): Promise<WithResponse<PassportVerificationResult>> {
    return this.#passports.verify(params, options);
  }

  /** Revoke a passport (revoking twice is not an error). */
  revokePassport(
    jti: string,
    reason: string,
    options?: RequestOptions,
  ): Promise<WithResponse<PassportRevocation>> {
    return this.#passports.revoke(jti, reason, options);
  }

  /** Append a custom event to the tenant's ledger. Never put secret values in `data`. */
  recordEvidence(
    params: RecordEvidenceParams,
    options?: RequestOptions,
  ): Promise<WithResponse<EvidenceEvent>> {
    return this.request({
      method: 'POST',
      path: '/evidence',
      body: params,
      schema: EvidenceEventSchema,
      options,
    });
  }

  /** The public keys that verify passports and evidence exports (no API key needed by the gateway). */
  jwks(options?: RequestOptions): Promise<WithResponse<Jwks>> {
    return this.request({ method: 'GET', path: '/.well-known/jwks.json', schema: JwksSchema, options });
  }

  /** Who the API key is: its tenant, id, roles and (for an agent-bound key) agent. Any valid key. */
  whoami(options?: RequestOptions): Promise<WithResponse<WhoAmI>> {
    return this.request({ method: 'GET', path: '/whoami', schema: WhoAmISchema, options });
  }

  /** Liveness: answers while the gateway process serves HTTP (no API key needed); throws when unreachable. */
  health(options?: RequestOptions): Promise<WithResponse<Health>> {
    return this.request({ method: 'GET', path: '/healthz', schema: HealthSchema, options });
  }

  /**
   * Readiness: answers when the gateway can decide right now (its stores answer); a 503 while it
   * cannot throws `InternalServerError` after the usual retries. No API key needed.
   */
  ready(options?: RequestOptions): Promise<WithResponse<Health>> {
    return this.request({ method: 'GET', path: '/readyz', schema: HealthSchema, options });
  }

  /**
   * @internal The request loop: one Idempotency-Key per call (POST), a fresh timeout per attempt,
   * retries on connection errors, timeouts, 408/409/429/5xx with backoff or the server's Retry-After.
   */
  async request<T>(spec: RequestSpec<T>): Promise<WithResponse<T>> {
    const options = spec.options ?? {};
    const url = this.#url(spec);
    const apiKey = this.#apiKey;
    if (!apiKey) {
      throw new MisconfiguredError(`no API key: pass apiKey or set ${ENV_API_KEY}`, {
        fix: `Pass apiKey to new ActPass() or set ${ENV_API_KEY}; \`actpass dev\` prints a key when it starts.`,
      });
    }
    const fetchImpl = this.#fetch ?? globalThis.fetch; // looked up per call: test mocks patch it late
    if (typeof fetchImpl !== 'function') {
      throw new MisconfiguredError('no fetch in this runtime', { fix: 'Pass the fetch option.' });
    }
    const maxRetries = options.maxRetries ?? this.#maxRetries;
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const deadlineMs = options.deadlineMs ?? this.#deadlineMs;
    const cap = options.maxResponseBytes ?? this.#maxResponseBytes;
    checkLimits({ timeoutMs, deadlineMs, maxRetries, maxResponseBytes: cap });
    const idempotencyKey =
      spec.method === 'POST' ? (options.idempotencyKey ?? newIdempotencyKey()) : undefined;
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    checkHeaders(options.headers, 'headers');
    const headers = mergeHeaders(
      buildHeaders({ apiKey, tenantId: this.#tenantId, idempotencyKey, hasBody: body !== undefined }),
      activeTraceHeaders(),
      this.#defaultHeaders,
      options.headers,
    );
    const init: RequestInit = { method: spec.method, headers, ...(body === undefined ? {} : { body }) };
    const { now } = this._internals;
    const deadline = now() + deadlineMs;
    let lastProblem = 'no attempt finished';

    for (let attempt = 0; ; attempt++) {
      // An injected sleep may not watch the signal; never start an attempt the caller has cancelled.
      if (options.signal?.aborted) throw new APIUserAbortError({ cause: options.signal.reason });
      const remaining = deadline - now();
      if (remaining <= 0) throw deadlinePassed(deadlineMs, lastProblem);
      const canRetry = attempt < maxRetries;
      const attemptMs = Math.max(1, Math.min(timeoutMs, Math.ceil(remaining)));
      let exchange: Awaited<ReturnType<typeof sendOnce>>;
      const sentAt = now();
      try {
        exchange = await sendOnce(fetchImpl, url, init, attemptMs, options.signal, cap);
        this.#logExchange(spec, url, exchange.response, now() - sentAt, attempt);
      } catch (error) {
        this.#logExchange(spec, url, null, now() - sentAt, attempt);
        if (!(error instanceof APIConnectionError) || !canRetry) {
          if (attemptMs < timeoutMs && error instanceof APIConnectionError && deadline - now() <= 0) {
            throw deadlinePassed(deadlineMs, error.message);
          }
          throw error;
        }
        lastProblem = error.message;
        await this.#backoff({
          attempt,
          deadline,
          deadlineMs,
          signal: options.signal,
          why: error.message,
          spec,
        });
        continue;
      }
      const { response, text } = exchange;
      if (response.ok) return parseResult(spec.schema, exchange);
      const requestId = response.headers.get('x-request-id');
      if (isRetryableStatus(response.status) && canRetry) {
        lastProblem = `HTTP ${response.status}${requestId ? ` (request id ${requestId})` : ''}`;
        await this.#backoff({
          attempt,
          deadline,
          deadlineMs,
          headers: response.headers,
          signal: options.signal,
          why: lastProblem,
          spec,
        });
        continue;
      }
      throw APIError.fromResponse(response.status, errorBody(text), response.headers, requestId);
    }
  }

  /** At debug, one line per attempt, in the order of the gateway's own request log. */
  #logExchange(
    spec: RequestSpec<unknown>,
    url: string,
    response: Response | null,
    ms: number,
    attempt: number,
  ) {
    const path = new URL(url).pathname;
    const requestId = response?.headers.get('x-request-id') ?? null;
    const status = response?.status ?? null;
    const shownMs = Math.round(ms * 10) / 10;
    const line = [
      escapeForLog(requestId ?? '-'),
      spec.method,
      escapeForLog(path),
      status ?? 'no-response',
      `${shownMs}ms`,
      `attempt=${attempt + 1}`,
    ].join(' ');
    this._internals.log.debug(line, {
      method: spec.method,
      path,
      status,
      request_id: requestId,
      ms: shownMs,
      attempt: attempt + 1,
    });
  }

  async #backoff(input: {
    attempt: number;
    deadline: number;
    deadlineMs: number;
    headers?: Headers | undefined;
    signal: AbortSignal | undefined;
    why: string;
    spec: RequestSpec<unknown>;
  }) {
    const { sleep, now, log } = this._internals;
    const { attempt, headers, signal, why } = input;
    const waitMs = retryWaitMs({ attempt, random: this.#random(), headers, now: now() });
    // A retry that could only start after the deadline is not worth the wait.
    if (now() + waitMs >= input.deadline) throw deadlinePassed(input.deadlineMs, why);
    log.warn('retrying', {
      method: input.spec.method,
      path: input.spec.path,
      retry: attempt + 1,
      wait_ms: waitMs,
      after: why,
    });
    try {
      await sleep(waitMs, signal);
    } catch (error) {
      throw new APIUserAbortError({ cause: signal?.reason ?? error });
    }
  }

  #url(spec: RequestSpec<unknown>): string {
    let base: URL;
    try {
      base = new URL(this.#baseUrl);
    } catch {
      throw new MisconfiguredError('baseUrl is not a URL', { fix: BASE_URL_FIX });
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new MisconfiguredError('baseUrl is not an http(s) URL', { fix: BASE_URL_FIX });
    }
    // Versioned endpoints live under /api/v1; the well-known and health ones at the root.
    const versioned = !spec.path.startsWith('/.well-known/') && !UNVERSIONED.includes(spec.path);
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) query.set(key, String(value));
    }
    const search = query.toString() ? `?${query}` : '';
    return `${this.#baseUrl}${versioned ? API_PREFIX : ''}${spec.path}${search}`;
  }
}

/** `logLevel`, else `ACTPASS_LOG`, else: `warn` for the console logger, everything for the caller's. */
function logLevelOf(options: ClientOptions): LogLevel {
  if (options.logLevel !== undefined) {
    if (!LOG_LEVELS.includes(options.logLevel)) {
      const meant = typeof options.logLevel === 'string' ? nearest(options.logLevel, LOG_LEVELS) : 'warn';
      throw new MisconfiguredError(`unknown logLevel ${quoted(options.logLevel)}: did you mean "${meant}"?`, {
        fix: `Set logLevel to one of ${LOG_LEVELS.join(', ')}.`,
      });
    }
    return options.logLevel;
  }
  const fromEnv = readEnv(ENV_LOG)?.toLowerCase();
  if (fromEnv !== undefined) {
    const level = fromEnv === 'warning' ? 'warn' : fromEnv;
    if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
    // An environment variable should not stop a program from starting: say so, and log as usual.
    console.warn(
      `[actpass] ${ENV_LOG}=${quoted(fromEnv)} is not a level (${LOG_LEVELS.join(', ')}); did you mean "${nearest(fromEnv, LOG_LEVELS)}"?`,
    );
  }
  return options.logger ? 'debug' : 'warn';
}
