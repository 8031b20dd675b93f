/**
 * `actpass dev --oidc-*`: people's sign-in from flags. The issuer, client id and redirect URI come
 * together or not at all; the client secret stays in the environment (ACTPASS_OIDC_CLIENT_SECRET).
 * Everything else is checked by the gateway's configuration check, which names the field.
 */
import { UsageError } from '@actpass/edge/cli';
import type { OidcConfig } from '../auth/oidc/index.js';

export const OIDC_FLAG_OPTIONS = {
  'oidc-issuer': { type: 'string' },
  'oidc-client-id': { type: 'string' },
  'oidc-redirect-uri': { type: 'string' },
  'oidc-name': { type: 'string' },
  'oidc-scopes': { type: 'string' },
  'oidc-role-claim': { type: 'string' },
  'oidc-approver-groups': { type: 'string' },
  'oidc-admin-groups': { type: 'string' },
  'oidc-tenant': { type: 'string' },
  'oidc-session-ttl': { type: 'string' },
} as const;

const REQUIRED = ['oidc-issuer', 'oidc-client-id', 'oidc-redirect-uri'] as const;

type Flags = Record<string, string | boolean | undefined>;

export function oidcFromFlags(flags: Flags): OidcConfig | undefined {
  const given = Object.keys(OIDC_FLAG_OPTIONS).filter((name) => typeof flags[name] === 'string');
  if (given.length === 0) return undefined;
  const missing = REQUIRED.filter((name) => typeof flags[name] !== 'string');
  if (missing.length > 0) {
    throw new UsageError(
      `--${missing[0]}: sign-in needs --oidc-issuer, --oidc-client-id and --oidc-redirect-uri together; add it.`,
    );
  }
  const text = (name: string) => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  const list = (name: string) =>
    text(name)
      ?.split(',')
      .map((value) => value.trim())
      .filter((value) => value !== '');
  const ttl = text('oidc-session-ttl');
  if (ttl !== undefined && !/^\d+$/.test(ttl)) {
    throw new UsageError(`--oidc-session-ttl: "${ttl}" is not a whole number of seconds.`);
  }
  const approver = list('oidc-approver-groups');
  const admin = list('oidc-admin-groups');
  const claim = text('oidc-role-claim');
  const config: OidcConfig = {
    issuer: text('oidc-issuer') as string,
    clientId: text('oidc-client-id') as string,
    redirectUri: text('oidc-redirect-uri') as string,
    roles: {
      ...(claim ? { claim } : {}),
      ...(approver ? { approver } : {}),
      ...(admin ? { admin } : {}),
    },
  };
  const name = text('oidc-name');
  const scopes = text('oidc-scopes');
  const tenantId = text('oidc-tenant');
  if (name) config.name = name;
  if (scopes) config.scopes = scopes;
  if (tenantId) config.tenantId = tenantId;
  if (ttl) config.sessionTtlSeconds = Number(ttl);
  return config;
}
