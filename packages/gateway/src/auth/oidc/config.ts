/**
 * People's sign-in configuration: which OpenID provider, this gateway's client at it, where the
 * provider sends browsers back, and how the ID token's claims map to roles. Checked up front; every
 * problem names its field and the fix. The client secret is read from the environment, never from a
 * file that might be committed.
 */
import {
  DEFAULT_ROLE_CLAIM,
  DEFAULT_SCOPES,
  OIDC_CALLBACK_PATH,
  SESSION_TTL_DEFAULT_SECONDS,
  SESSION_TTL_MAX_SECONDS,
} from './constants.js';
import { PERSON_ROLES, type PersonRole, type RoleMapping } from './roles.js';

/** The environment variable the client secret is read from unless `clientSecretEnv` names another. */
export const OIDC_CLIENT_SECRET_ENV = 'ACTPASS_OIDC_CLIENT_SECRET';

export interface OidcConfig {
  /** The provider's issuer URL; its `/.well-known/openid-configuration` is read on first use. */
  issuer: string;
  /** This gateway's client id at the provider: the audience its ID tokens must carry. */
  clientId: string;
  /** The variable holding the client secret; default `ACTPASS_OIDC_CLIENT_SECRET`. Unset: a public client (PKCE only). */
  clientSecretEnv?: string;
  /** Where the provider sends the browser back: this gateway's `https://…/api/v1/auth/oidc/callback`. */
  redirectUri: string;
  /** The tenant people who sign in act in; may be omitted when the gateway serves one tenant. */
  tenantId?: string;
  /** Shown on the console's button, "Sign in with <name>"; default the issuer's host. */
  name?: string;
  /** Default `openid profile email`; must include `openid`. */
  scopes?: string;
  /** Which claim holds group or role names, and which values grant approver and admin. */
  roles: { claim?: string; approver?: string[]; admin?: string[] };
  /** How long a session lasts from sign-in; default 8 hours, at most 24. */
  sessionTtlSeconds?: number;
  /** How requests to the provider are made; default the global fetch (tests, egress proxies). */
  fetch?: typeof fetch;
}

/** The configuration once checked, with the secret read and defaults filled in. */
export interface ResolvedOidcConfig {
  issuer: URL;
  clientId: string;
  clientSecret: string | null;
  redirectUri: URL;
  tenantId: string;
  name: string;
  scopes: string;
  roles: RoleMapping;
  sessionTtlMs: number;
  /** Cookies Secure and `__Host-`-prefixed: the gateway is reached over https. */
  secureCookies: boolean;
  /** Plain-http requests to the provider allowed: it runs on this machine. */
  loopbackProvider: boolean;
  fetch: typeof fetch | undefined;
}

const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
const CLAIM_PATH = /^[A-Za-z0-9_:/-]+(?:\.[A-Za-z0-9_:/-]+)*$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOST.test(url.hostname);
}

/** Every problem with `config.oidc`, each naming its field and the fix. */
export function oidcConfigProblems(
  oidc: OidcConfig,
  tenantIds: ReadonlySet<string>,
  env: Record<string, string | undefined>,
): string[] {
  const problems: string[] = [];
  const at = (field: string) => `config.oidc.${field}`;
  const issuer = parseUrl(oidc?.issuer);
  if (!issuer)
    problems.push(`${at('issuer')}: must be the provider's issuer URL, e.g. https://id.example.com.`);
  else if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && isLoopbackUrl(issuer))) {
    problems.push(`${at('issuer')}: must use https (plain http only for a provider on loopback).`);
  } else if (issuer.search !== '' || issuer.hash !== '') {
    problems.push(`${at('issuer')}: must not carry a query or fragment.`);
  }
  if (typeof oidc?.clientId !== 'string' || oidc.clientId.length === 0 || oidc.clientId.length > 255) {
    problems.push(`${at('clientId')}: must be this gateway's client id at the provider (1-255 characters).`);
  }
  const redirect = parseUrl(oidc?.redirectUri);
  if (!redirect) {
    problems.push(`${at('redirectUri')}: must be an absolute URL ending in ${OIDC_CALLBACK_PATH}.`);
  } else {
    if (redirect.pathname !== OIDC_CALLBACK_PATH || redirect.search !== '' || redirect.hash !== '') {
      problems.push(
        `${at('redirectUri')}: must end in ${OIDC_CALLBACK_PATH} with no query, e.g. https://actpass.example.com${OIDC_CALLBACK_PATH}.`,
      );
    }
    if (redirect.protocol !== 'https:' && !(redirect.protocol === 'http:' && isLoopbackUrl(redirect))) {
      problems.push(
        `${at('redirectUri')}: must use https (plain http only when the gateway is on loopback): session cookies must not cross the network in clear.`,
      );
    }
  }
  if (oidc?.tenantId !== undefined && !tenantIds.has(oidc.tenantId)) {
    problems.push(`${at('tenantId')}: "${oidc.tenantId}" is not in config.tenants.`);
  } else if (oidc?.tenantId === undefined && tenantIds.size !== 1) {
    problems.push(
      `${at('tenantId')}: the gateway serves ${tenantIds.size} tenants; name the one people who sign in act in.`,
    );
  }
  if (
    oidc?.name !== undefined &&
    (typeof oidc.name !== 'string' || !/^[\p{L}\p{N} ._-]{1,64}$/u.test(oidc.name))
  ) {
    problems.push(`${at('name')}: must be 1-64 letters, digits, spaces, ".", "_" or "-".`);
  }
  if (
    oidc?.scopes !== undefined &&
    (typeof oidc.scopes !== 'string' || !oidc.scopes.split(' ').includes('openid'))
  ) {
    problems.push(`${at('scopes')}: must be space-separated scopes including openid.`);
  }
  const envName = oidc?.clientSecretEnv ?? OIDC_CLIENT_SECRET_ENV;
  if (typeof envName !== 'string' || !ENV_NAME.test(envName)) {
    problems.push(
      `${at('clientSecretEnv')}: must be an environment variable name such as ${OIDC_CLIENT_SECRET_ENV}.`,
    );
  } else if (oidc?.clientSecretEnv !== undefined && !env[envName]) {
    problems.push(`${at('clientSecretEnv')}: ${envName} is not set; set it to the client secret.`);
  }
  problems.push(...roleProblems(oidc?.roles));
  const ttl = oidc?.sessionTtlSeconds;
  if (ttl !== undefined && (!Number.isSafeInteger(ttl) || ttl < 60 || ttl > SESSION_TTL_MAX_SECONDS)) {
    problems.push(
      `${at('sessionTtlSeconds')}: must be a whole number of seconds from 60 to ${SESSION_TTL_MAX_SECONDS}.`,
    );
  }
  return problems;
}

function roleProblems(roles: OidcConfig['roles'] | undefined): string[] {
  if (typeof roles !== 'object' || roles === null) {
    return [
      'config.oidc.roles: must map claim values to roles, e.g. { claim: "groups", approver: ["actpass-approvers"], admin: ["actpass-admins"] }.',
    ];
  }
  const problems: string[] = [];
  if (roles.claim !== undefined && (typeof roles.claim !== 'string' || !CLAIM_PATH.test(roles.claim))) {
    problems.push(
      'config.oidc.roles.claim: must be a claim name or dotted path such as groups or realm_access.roles.',
    );
  }
  let granted = 0;
  for (const role of PERSON_ROLES) {
    const values = roles[role];
    if (values === undefined) continue;
    if (
      !Array.isArray(values) ||
      values.some((value) => typeof value !== 'string' || value.length === 0 || value.length > 255)
    ) {
      problems.push(`config.oidc.roles.${role}: must be a list of claim values (1-255 characters each).`);
    } else granted += values.length;
  }
  const extra = Object.keys(roles).filter(
    (name) => name !== 'claim' && !(PERSON_ROLES as string[]).includes(name),
  );
  if (extra.length > 0) {
    problems.push(
      `config.oidc.roles.${extra[0]}: only approver and admin can be granted by sign-in; agents and proxies use API keys.`,
    );
  }
  if (granted === 0 && problems.length === 0) {
    problems.push('config.oidc.roles: grants no role; list the claim values for approver and/or admin.');
  }
  return problems;
}

/** The checked configuration with defaults; call only after `oidcConfigProblems` found none. */
export function resolveOidcConfig(
  oidc: OidcConfig,
  tenantIds: readonly string[],
  env: Record<string, string | undefined>,
): ResolvedOidcConfig {
  const issuer = new URL(oidc.issuer);
  const redirectUri = new URL(oidc.redirectUri);
  const values: Partial<Record<PersonRole, readonly string[]>> = {};
  for (const role of PERSON_ROLES) if (oidc.roles[role]) values[role] = [...(oidc.roles[role] ?? [])];
  return {
    issuer,
    clientId: oidc.clientId,
    clientSecret: env[oidc.clientSecretEnv ?? OIDC_CLIENT_SECRET_ENV] || null,
    redirectUri,
    tenantId: oidc.tenantId ?? (tenantIds[0] as string),
    name: oidc.name ?? issuer.hostname,
    scopes: oidc.scopes ?? DEFAULT_SCOPES,
    roles: { claim: oidc.roles.claim ?? DEFAULT_ROLE_CLAIM, values },
    sessionTtlMs: (oidc.sessionTtlSeconds ?? SESSION_TTL_DEFAULT_SECONDS) * 1000,
    secureCookies: redirectUri.protocol === 'https:',
    loopbackProvider: issuer.protocol === 'http:',
    fetch: oidc.fetch,
  };
}

function parseUrl(value: unknown): URL | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}
