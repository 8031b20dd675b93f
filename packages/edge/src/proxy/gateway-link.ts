/**
 * How an enforcing proxy asks for decisions: through `@actpass/sdk`, with the proxy's own
 * `proxy`-role key as the bearer and the agent's key beside it, so the gateway decides as that agent and
 * may lease a `delivery: "proxy"` credential to the proxy alone. The gateway is either served (a base
 * URL) or in-process (its `fetch` handler); both go through the same client.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  ActPass,
  AuthenticationError,
  type Logger,
  PermissionDeniedError,
  type PreflightDecision,
  type PreflightParams,
} from '@actpass/sdk';
import {
  HEADER_AGENT_KEY,
  PROXY_AGENT_CLIENTS_MAX,
  PROXY_GATEWAY_MAX_RETRIES,
  PROXY_GATEWAY_MAX_SOCKETS,
  PROXY_GATEWAY_TIMEOUT_MS,
} from '../constants.js';
import { nodeHttpFetch } from '../node-fetch.js';
import { RefusedFields } from './refused-fields.js';

export interface GatewayLinkOptions {
  /** The proxy's own key (role `proxy`). */
  proxyKey: string;
  /** A served gateway, e.g. `http://127.0.0.1:8787`. */
  baseUrl?: string;
  /** An in-process gateway: pass `gateway.fetch`. */
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxRetries?: number;
}

/** A decision, and whether it could be had at all (false: the gateway was unreachable or broken). */
export interface LinkedDecision {
  decision: PreflightDecision;
  reachable: boolean;
  /**
   * When the gateway refused the request with a 400: the fields its `error.details` named (e.g.
   * `body.outcomes[0].decision_event_id`), empty when it named none.
   */
  refusedFields?: readonly string[];
}

const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const EMBEDDED_BASE_URL = 'http://gateway.embedded';
const UNSENDABLE: typeof fetch = () =>
  Promise.reject(new TypeError('the agent key is not a valid header value'));
/** Gateway answers that mean "this key may not do this": a decision was made, it is just a no. */
const REFUSING_STATUSES = new Set([400, 401, 403, 404]);

/** What the gateway says of an agent key presented to a proxy. */
export type AgentKeyCheck =
  | { status: 'valid'; keyId: string }
  | { status: 'invalid'; message: string }
  | { status: 'unavailable'; message: string };

export class GatewayLink {
  readonly #options: GatewayLinkOptions;
  #proxyKeyAccepted = false;
  readonly #clients = new Map<string | null, ActPass>();
  /** A served gateway is reached over node:http with kept-alive connections, shared by every client. */
  readonly #agents: { http: HttpAgent; https: HttpsAgent } | undefined;
  readonly #fetch: typeof fetch | undefined;
  readonly #refused = new RefusedFields();

  constructor(options: GatewayLinkOptions) {
    if (typeof options.proxyKey !== 'string' || options.proxyKey.trim() === '') {
      throw new TypeError('the proxy needs its own API key (role proxy); set ACTPASS_PROXY_KEY');
    }
    if (!options.baseUrl && !options.fetch) {
      throw new TypeError('the proxy needs a gateway: a base URL, or an in-process fetch handler');
    }
    this.#options = options;
    if (!options.fetch) {
      const pool = { keepAlive: true, maxSockets: PROXY_GATEWAY_MAX_SOCKETS };
      this.#agents = { http: new HttpAgent(pool), https: new HttpsAgent(pool) };
      this.#fetch = this.#refused.wrap(nodeHttpFetch({ agents: this.#agents }));
    } else {
      this.#fetch = this.#refused.wrap(options.fetch);
    }
  }

  /** Closes the kept-alive connections to the gateway (the proxy's close() calls it). */
  close(): void {
    this.#agents?.http.destroy();
    this.#agents?.https.destroy();
  }

  /** Preflight as the agent whose key is given. Never throws: no decision is a fail-closed deny. */
  async decide(agentKey: string, input: PreflightParams, traceparent?: string): Promise<LinkedDecision> {
    const watched = this.#refused.watch();
    let decision: PreflightDecision;
    let refusedFields: readonly string[];
    try {
      // The proxy's span for this call parents the gateway's, so one agent action is one trace.
      decision = await this.#client(agentKey).preflight(input, {
        idempotencyKey: watched,
        ...(traceparent ? { headers: { traceparent } } : {}),
      });
    } finally {
      refusedFields = this.#refused.take(watched);
    }
    if (decision.source === 'gateway') return { decision, reachable: true };
    // The SDK's own decisions say "no valid decision arrived". When the gateway answered with a refusal
    // of the key or the request, that is a real no (403); anything else means it could not be asked.
    const status = decision.cause.status;
    const reachable = status !== undefined && REFUSING_STATUSES.has(status);
    return { decision, reachable, ...(status === 400 ? { refusedFields } : {}) };
  }

  /**
   * Whether the gateway accepts `agentKey` as an agent this proxy may act for (`GET /whoami` with both
   * keys). A refusal counts as "invalid" only once the proxy's own key is known to be accepted, so a
   * misconfigured proxy key reads as "unavailable", never as every agent's key being wrong.
   */
  async checkAgentKey(agentKey: string): Promise<AgentKeyCheck> {
    try {
      const who = await this.#client(agentKey).whoami();
      if (!who.roles.includes('agent')) {
        return { status: 'invalid', message: 'the key has no agent role' };
      }
      return { status: 'valid', keyId: who.key_id };
    } catch (error) {
      if (!(error instanceof AuthenticationError || error instanceof PermissionDeniedError)) {
        return { status: 'unavailable', message: 'the gateway could not be asked' };
      }
    }
    if (!this.#proxyKeyAccepted) {
      try {
        await this.#client(null).whoami();
        this.#proxyKeyAccepted = true;
      } catch (error) {
        const refused = error instanceof AuthenticationError || error instanceof PermissionDeniedError;
        return {
          status: 'unavailable',
          message: refused ? "the gateway refuses the proxy's own key" : 'the gateway could not be asked',
        };
      }
    }
    return { status: 'invalid', message: 'the gateway does not accept the key' };
  }

  /** Records an `action.outcome` event as the agent; resolves false when it could not be recorded. */
  recordOutcome(agentKey: string, data: Record<string, unknown>): Promise<boolean> {
    return this.recordEvidence(agentKey, 'action.outcome', data);
  }

  /** Records a custom evidence event as the agent; resolves false when it could not be recorded. */
  async recordEvidence(agentKey: string, type: string, data: Record<string, unknown>): Promise<boolean> {
    try {
      await this.#client(agentKey).recordEvidence({ type, data: data as never });
      return true;
    } catch {
      return false;
    }
  }

  /** Names of the tools an admin approved, read with the proxy's own key; empty when unreadable. */
  async approvedToolNames(): Promise<Set<string>> {
    try {
      const list = await this.#client(null).tools.list();
      return new Set(list.items.map((tool) => tool.name));
    } catch {
      return new Set();
    }
  }

  /**
   * One SDK client per agent key, kept (most recently used last, the least recently used dropped past
   * the bound): building a client per call cost the proxy a fresh set of headers, options and closures
   * on every request. Every client shares the process's keep-alive connection pool to the gateway.
   */
  #client(agentKey: string | null): ActPass {
    const kept = this.#clients.get(agentKey);
    if (kept) {
      this.#clients.delete(agentKey);
      this.#clients.set(agentKey, kept);
      return kept;
    }
    const options = {
      apiKey: this.#options.proxyKey,
      baseUrl: this.#options.baseUrl ?? EMBEDDED_BASE_URL,
      timeoutMs: this.#options.timeoutMs ?? PROXY_GATEWAY_TIMEOUT_MS,
      maxRetries: this.#options.maxRetries ?? PROXY_GATEWAY_MAX_RETRIES,
      logger: SILENT,
      recordOutcomes: false,
    };
    let client: ActPass;
    try {
      client = new ActPass({
        ...options,
        ...(this.#fetch ? { fetch: this.#fetch } : {}),
        ...(agentKey !== null ? { defaultHeaders: { [HEADER_AGENT_KEY]: agentKey } } : {}),
      });
    } catch {
      // A key that is no valid header value (a line break) can reach no gateway: every call through
      // this client fails closed as unreachable, and nothing is kept for it.
      return new ActPass({ ...options, fetch: UNSENDABLE });
    }
    this.#clients.set(agentKey, client);
    if (this.#clients.size > PROXY_AGENT_CLIENTS_MAX) {
      const oldest = this.#clients.keys().next().value as string | null;
      this.#clients.delete(oldest);
    }
    return client;
  }
}

/** The decision as an agent may see it: never a credential, whoever it was leased to. */
export function publicDecision(decision: PreflightDecision): Omit<PreflightDecision, 'credential'> {
  const { credential: _lease, ...rest } = decision;
  return rest;
}
