import type * as z from 'zod/mini';
import {
  API_PREFIX,
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RETRIES,
  DEFAULT_MODE,
  DEFAULT_TIMEOUT_MS,
  ENV_API_KEY,
  ENV_BASE_URL,
} from './constants.js';
import type { PassportVerificationResult, PreflightDecision } from './core/decision.js';
import { APIConnectionError, APIError, APIUserAbortError, MisconfiguredError } from './core/errors.js';
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
import { readEnv } from './internal/env.js';
import { clientDecision } from './internal/fail-closed.js';
import { runGuard } from './internal/guard.js';
import { buildHeaders } from './internal/headers.js';
import { newIdempotencyKey } from './internal/idempotency.js';
import { consoleLogger, safeLogger } from './internal/logging.js';
import { errorBody, parseResult, sendOnce, withResponse } from './internal/request.js';
import { isRetryableStatus, retryWaitMs } from './internal/retry.js';
import { sleep as realSleep, type SleepFn } from './internal/sleep.js';
import { Approvals } from './resources/approvals.js';
import { Credentials } from './resources/credentials.js';
import { Evidence } from './resources/evidence.js';
import { Passports } from './resources/passports.js';
import { PolicyResource } from './resources/policy.js';
import { Reports } from './resources/reports.js';
import { Tools } from './resources/tools.js';
import { DecisionSchema, EvidenceEventSchema, HealthSchema, JwksSchema } from './schemas/index.js';
import { WhoAmISchema } from './schemas/reports.js';

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
  /** Default mode of `preflight()` and `guard()` (default `enforce`). */
  mode?: Mode | undefined;
  /** Timeout of each attempt, in ms (default 10 000). */
  timeoutMs?: number | undefined;
  /** Retries after the first attempt (default 2). */
  maxRetries?: number | undefined;
  /** A `fetch` to use instead of `globalThis.fetch` (e.g. the embedded gateway's in-process handler). */
  fetch?: typeof fetch | undefined;
  /** Where the SDK reports retries and fail-closed decisions (default: warnings and errors to the console). */
  logger?: Logger | undefined;
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
  schema: z.ZodMiniType<T>;
  options?: RequestOptions | undefined;
}

/** @internal Shared with the resources and `guard()`; not part of the API. */
export interface ClientInternals {
  sleep: SleepFn;
  now: () => number;
  log: Required<Logger>;
  mode: Mode;
  recordOutcomes: boolean;
}

const MODES: readonly string[] = ['enforce', 'monitor', 'warn', 'strict'];

/** The ActPass client. Construction never throws; a bad configuration surfaces on the first call. */
export class ActPass {
  readonly approvals: Approvals;
  readonly tools: Tools;
  readonly credentials: Credentials;
  readonly evidence: Evidence;
  readonly policy: PolicyResource;
  readonly reports: Reports;
  /** @internal */
  readonly _internals: ClientInternals;

  readonly #apiKey: string | undefined;
  readonly #tenantId: string | undefined;
  readonly #agentId: string | undefined;
  readonly #baseUrl: string;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #fetch: typeof fetch | undefined;
  readonly #random: () => number;
  readonly #passports: Passports;

  constructor(options: ClientOptions = {}) {
    this.#apiKey = options.apiKey ?? readEnv(ENV_API_KEY);
    this.#tenantId = options.tenantId;
    this.#agentId = options.agentId;
    this.#baseUrl = (options.baseUrl ?? readEnv(ENV_BASE_URL) ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.#fetch = options.fetch;
    this.#random = options.random ?? Math.random;
    const apiKey = this.#apiKey;
    this._internals = {
      sleep: options.sleep ?? realSleep,
      now: options.now ?? Date.now,
      log: safeLogger(options.logger ?? consoleLogger, () => (apiKey ? [apiKey] : [])),
      mode: options.mode ?? DEFAULT_MODE,
      recordOutcomes: options.recordOutcomes ?? true,
    };
    this.approvals = new Approvals(this);
    this.tools = new Tools(this);
    this.credentials = new Credentials(this);
    this.evidence = new Evidence(this);
    this.policy = new PolicyResource(this);
    this.reports = new Reports(this);
    this.#passports = new Passports(this, this.#agentId);
  }

  /**
   * Decide one action. Never throws for transport or response problems: when no valid decision arrives
   * it returns the SDK's own fail-closed `deny` (`source: 'client'`, see SPEC §9).
   */
  async preflight(
    input: PreflightParams,
    options?: RequestOptions,
  ): Promise<WithResponse<PreflightDecision>> {
    const mode = input.mode ?? this._internals.mode;
    try {
      if (!MODES.includes(mode)) throw new MisconfiguredError(`unknown mode "${mode}"`);
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

  health(options?: RequestOptions): Promise<WithResponse<Health>> {
    return this.request({ method: 'GET', path: '/healthz', schema: HealthSchema, options });
  }

  /**
   * @internal The request loop: one Idempotency-Key per call (POST), a fresh timeout per attempt,
   * retries on connection errors, timeouts, 408/409/429/5xx with backoff or the server's Retry-After.
   */
  async request<T>(spec: RequestSpec<T>): Promise<WithResponse<T>> {
    const options = spec.options ?? {};
    const url = this.#url(spec);
    const apiKey = this.#apiKey;
    if (!apiKey) throw new MisconfiguredError(`no API key: pass apiKey or set ${ENV_API_KEY}`);
    const fetchImpl = this.#fetch ?? globalThis.fetch; // looked up per call: test mocks patch it late
    if (typeof fetchImpl !== 'function') throw new MisconfiguredError('no fetch: pass the fetch option');
    const maxRetries = options.maxRetries ?? this.#maxRetries;
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const idempotencyKey =
      spec.method === 'POST' ? (options.idempotencyKey ?? newIdempotencyKey()) : undefined;
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const headers = buildHeaders({
      apiKey,
      tenantId: this.#tenantId,
      idempotencyKey,
      hasBody: body !== undefined,
    });
    const init: RequestInit = { method: spec.method, headers, ...(body === undefined ? {} : { body }) };
    const { log } = this._internals;

    for (let attempt = 0; ; attempt++) {
      // An injected sleep may not watch the signal; never start an attempt the caller has cancelled.
      if (options.signal?.aborted) throw new APIUserAbortError({ cause: options.signal.reason });
      log.debug('request', { method: spec.method, path: spec.path, attempt });
      const canRetry = attempt < maxRetries;
      let exchange: Awaited<ReturnType<typeof sendOnce>>;
      try {
        exchange = await sendOnce(fetchImpl, url, init, timeoutMs, options.signal);
      } catch (error) {
        if (!(error instanceof APIConnectionError) || !canRetry) throw error;
        await this.#backoff(attempt, undefined, options.signal, error.message);
        continue;
      }
      const { response, text } = exchange;
      if (response.ok) return parseResult(spec.schema, exchange);
      const requestId = response.headers.get('x-request-id');
      if (isRetryableStatus(response.status) && canRetry) {
        await this.#backoff(attempt, response.headers, options.signal, `HTTP ${response.status}`);
        continue;
      }
      throw APIError.fromResponse(response.status, errorBody(text), response.headers, requestId);
    }
  }

  async #backoff(
    attempt: number,
    headers: Headers | undefined,
    signal: AbortSignal | undefined,
    why: string,
  ) {
    const { sleep, now, log } = this._internals;
    const waitMs = retryWaitMs({ attempt, random: this.#random(), headers, now: now() });
    log.info('retrying', { attempt: attempt + 1, wait_ms: waitMs, after: why });
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
      throw new MisconfiguredError(`baseUrl "${this.#baseUrl}" is not a URL`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new MisconfiguredError(`baseUrl "${this.#baseUrl}" is not an http(s) URL`);
    }
    // Versioned endpoints live under /api/v1; the well-known and health ones at the root.
    const versioned = !spec.path.startsWith('/.well-known/') && spec.path !== '/healthz';
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) query.set(key, String(value));
    }
    const search = query.toString() ? `?${query}` : '';
    return `${this.#baseUrl}${versioned ? API_PREFIX : ''}${spec.path}${search}`;
  }
}
