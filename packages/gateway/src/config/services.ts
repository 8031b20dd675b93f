/**
 * Wires the concepts together from a `GatewayConfig`: one object the HTTP operations call into. Nothing
 * here knows about HTTP.
 */

import { currentSpan, Tracer } from '@actpass/edge/tracing';
import { ApprovalService } from '../approvals/index.js';
import { ApiKeyRegistry } from '../auth/index.js';
import { OidcSignIn, resolveOidcConfig } from '../auth/oidc/index.js';
import {
  DEFAULT_ISSUER,
  DENY_ALL_POLICY,
  IDEMPOTENCY_TTL_MS,
  MAX_BODY_BYTES,
  VAULT_KEY_ENV,
} from '../constants.js';
import { type DecideDeps, TenantPolicies, vaultLeaser } from '../decide/index.js';
import {
  type FlowClassification,
  FlowService,
  MemorySessionLabelStore,
  SESSION_LABEL_MAX_SESSIONS,
  SESSION_LABEL_TTL_MS,
} from '../flow/index.js';
import { IdempotencyGuard, LedgerKeyWitness } from '../idempotency/index.js';
import { type LedgerStore, stampingWriter } from '../ledger/index.js';
import { LimitService } from '../limits/index.js';
import { GATEWAY_VERSION, GatewayMetrics } from '../metrics/index.js';
import {
  createNotifications,
  type Notifications,
  watchExpiries,
  withNotifications,
} from '../notifications/index.js';
import { Keyset } from '../passport/index.js';
import { isPackName, packSource } from '../policy/index.js';
import { createMemoryStores, GATEWAY_STORE_NAMES, guardStores } from '../store/index.js';
import type { GatewayStores } from '../store/types.js';
import { SuspensionService } from '../suspensions/index.js';
import { ToolService } from '../tools/index.js';
import { parseVaultKey, Vault } from '../vault/index.js';
import type { GatewayConfig, GatewayLogger, TenantConfig } from './types.js';
import { validateConfig } from './validate.js';

export interface GatewayServices {
  tenants: ReadonlyMap<string, TenantConfig>;
  keys: ApiKeyRegistry;
  /** People's sign-in through an OpenID provider; null unless configured. */
  signIn: OidcSignIn | null;
  keyset: Keyset;
  issuer: string;
  nowMs: () => number;
  stores: GatewayStores;
  vault: Vault;
  policies: TenantPolicies;
  approvals: ApprovalService;
  tools: ToolService;
  suspensions: SuspensionService;
  idempotency: IdempotencyGuard;
  decide: DecideDeps;
  maxBodyBytes: number;
  logger: GatewayLogger;
  onRequest: GatewayConfig['onRequest'];
  /** Null unless the config asks for metrics. */
  metrics: GatewayMetrics | null;
  /** Null unless the config gives a span exporter. */
  tracer: Tracer | null;
  /** Webhook endpoints and deliveries; fed by the approval and ledger stores, never awaited. */
  notifications: Notifications;
  /** Seeds every configured tenant's policy; requests wait for it. */
  ready(): Promise<void>;
}

export function buildServices(config: GatewayConfig): GatewayServices {
  validateConfig(config);
  const nowMs = config.clock ?? Date.now;
  const guarded = guardStores(pickStores({ ...createMemoryStores({ nowMs }), ...config.stores }));
  // Every event records the key that caused it, whichever concept appends it.
  const metrics = config.metrics === true ? new GatewayMetrics(GATEWAY_VERSION) : null;
  const tracer = config.tracing ? new Tracer(config.tracing) : null;
  const stamped = stampingWriter(guarded.ledger);
  const notifications = createNotifications(
    config.webhooks,
    nowMs,
    metrics,
    config.tenants.map((tenant) => tenant.id),
  );
  const stores: GatewayStores = withNotifications(
    { ...guarded, ledger: metrics ? timedLedger(stamped, metrics) : stamped },
    notifications,
  );
  const keyset = config.keyset ?? Keyset.generate(new Date(nowMs()));
  const issuer = config.issuer ?? DEFAULT_ISSUER;
  const kek = parseVaultKey(
    config.vaultKey === undefined
      ? (config.env ?? process.env)[VAULT_KEY_ENV]
      : (config.vaultKey ?? undefined),
  );
  const vault = new Vault({ kek, store: stores.vault, clock: () => new Date(nowMs()) });
  const policies = new TenantPolicies(stores.policies, stores.ledger, nowMs, DENY_ALL_POLICY);
  const approvals = new ApprovalService(
    stores.approvals,
    stores.ledger,
    nowMs,
    config.approvalTtlSeconds !== undefined ? config.approvalTtlSeconds * 1000 : undefined,
  );
  watchExpiries(notifications, (tenantId) => approvals.list(tenantId, 'pending', 1), config.webhooks);
  const tools = new ToolService(stores.tools, stores.ledger, nowMs);
  const suspensions = new SuspensionService(stores.suspensions, stores.ledger, nowMs);
  const tenants = new Map(config.tenants.map((tenant) => [tenant.id, tenant]));

  let seeded: Promise<void> | undefined;
  const ready = () => {
    seeded ??= Promise.all(
      [...tenants.values()].map((tenant) => policies.seed(tenant.id, resolvePolicy(tenant.policy))),
    ).then(() => undefined);
    // A failed seed (store down at start) is retried by the next request instead of failing forever.
    seeded.catch(() => {
      seeded = undefined;
    });
    return seeded;
  };

  return {
    tenants,
    keys: new ApiKeyRegistry(config.apiKeys),
    signIn: config.oidc
      ? new OidcSignIn(resolveOidcConfig(config.oidc, [...tenants.keys()], config.env ?? process.env), nowMs)
      : null,
    keyset,
    issuer,
    nowMs,
    stores,
    vault,
    policies,
    approvals,
    tools,
    suspensions,
    idempotency: new IdempotencyGuard(
      stores.idempotency,
      nowMs,
      IDEMPOTENCY_TTL_MS,
      new LedgerKeyWitness(stores.ledger, nowMs, IDEMPOTENCY_TTL_MS),
    ),
    decide: {
      policies,
      approvals,
      tools,
      suspensions,
      limits: new LimitService(stores.limits, nowMs),
      ledger: stores.ledger,
      delegation: {
        keys: keyset,
        jti: stores.jti,
        issuer,
        ...(config.passportAudiences ? { audiences: config.passportAudiences } : {}),
      },
      leaseCredential: vaultLeaser(vault, nowMs),
      flow: new FlowService({
        store: config.sessionLabels ?? new MemorySessionLabelStore(SESSION_LABEL_MAX_SESSIONS, nowMs),
        ledger: stores.ledger,
        nowMs,
        ttlMs: SESSION_LABEL_TTL_MS,
        classification: new Map(
          config.tenants.map((tenant) => [tenant.id, (tenant.flow?.tools ?? {}) as FlowClassification]),
        ),
      }),
      nowMs,
      ...(metrics || tracer
        ? {
            observe: (stage, seconds) => {
              metrics?.stage(stage, seconds);
              const span = tracer ? currentSpan() : undefined;
              if (span) tracer?.record(span, `actpass.preflight.${stage}`, seconds);
            },
          }
        : {}),
    },
    maxBodyBytes: config.maxBodyBytes ?? MAX_BODY_BYTES,
    logger: config.logger ?? stderrLogger,
    onRequest: config.onRequest,
    metrics,
    tracer,
    notifications,
    ready,
  };
}

/** The ledger with every append timed; every other member is the store's own, bound to it. */
function timedLedger(ledger: LedgerStore, metrics: GatewayMetrics): LedgerStore {
  return new Proxy(ledger, {
    get(target, property) {
      if (property === 'append')
        return (...args: Parameters<LedgerStore['append']>) =>
          metrics.timeLedgerAppend(() => target.append(...args));
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Only the gateway's stores: an aggregate (e.g. PostgreSQL stores with their pool) may carry more members. */
function pickStores(stores: GatewayStores): GatewayStores {
  return Object.fromEntries(
    GATEWAY_STORE_NAMES.map((name) => [name, stores[name]]),
  ) as unknown as GatewayStores;
}

/** A pack name stands for the pack's JSON; anything else is a policy object (validated when seeded). */
function resolvePolicy(policy: unknown): unknown {
  if (policy === undefined) return DENY_ALL_POLICY;
  if (typeof policy === 'string') {
    if (!isPackName(policy)) throw new TypeError(`unknown policy pack "${policy}"`);
    return packSource(policy);
  }
  return policy;
}

const stderrLogger: GatewayLogger = {
  error(message, fields) {
    process.stderr.write(`${JSON.stringify({ level: 'error', message, ...fields })}\n`);
  },
};
