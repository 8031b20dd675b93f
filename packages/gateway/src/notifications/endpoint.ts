/**
 * What a webhook endpoint is and what makes one acceptable: where it may point, what its secret looks
 * like, and how its URL is shown back (never whole: receivers such as Slack keep a credential in it).
 */
import { randomBytes } from 'node:crypto';
import { InvalidInputError } from '../store/errors.js';
import {
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_FORMATS,
  WEBHOOK_SECRET_BYTES,
  WEBHOOK_SECRET_MAX_BYTES,
  WEBHOOK_SECRET_MIN_BYTES,
  WEBHOOK_SECRET_PREFIX,
} from './constants.js';

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** An endpoint as the gateway keeps it; `secret` and `url` never leave through the API whole. */
export interface WebhookEndpoint {
  id: string;
  tenantId: string;
  url: string;
  events: WebhookEventType[];
  format: WebhookFormat;
  secret: string;
  enabled: boolean;
  source: 'api' | 'config';
  createdAt: string;
  updatedAt: string;
}

/** An endpoint given in the gateway's configuration (`GatewayConfig.webhooks`). */
export interface WebhookEndpointConfig {
  id: string;
  tenantId: string;
  url: string;
  events: string[];
  format?: string;
  secret: string;
  enabled?: boolean;
}

const ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const URL_MAX = 2048;

/** Throws `InvalidInputError` naming `field` unless `raw` is an https URL (or loopback http) without credentials. */
export function checkEndpointUrl(raw: string, field = 'body.url'): URL {
  const fail = (message: string) => {
    throw new InvalidInputError(`${field}: ${message}`, [{ path: field, message }]);
  };
  if (raw.length > URL_MAX) fail(`must be at most ${URL_MAX} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('must be an absolute URL such as https://hooks.example.com/actpass');
  }
  if (url.username !== '' || url.password !== '') {
    fail(
      'must not carry a user name or password; the receiver verifies the webhook-signature header instead',
    );
  }
  if (url.protocol === 'http:') {
    if (!isLoopback(url.hostname))
      fail('must use https (plain http is accepted only for a loopback address)');
  } else if (url.protocol !== 'https:') {
    fail('must use https (plain http is accepted only for a loopback address)');
  }
  url.hash = '';
  return url;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The URL as the API shows it: origin and first path segment; the rest (and any query) as `…`. */
export function displayUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '…';
  }
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const first = segments[0] ? `/${segments[0]}` : '';
  const more = segments.length > 1 || url.search !== '' ? '/…' : '';
  return `${url.origin}${first}${more}`;
}

export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(WEBHOOK_SECRET_BYTES).toString('base64');
}

/**
 * The HMAC key inside a `whsec_` secret, or an `InvalidInputError` naming `field`. The message never
 * repeats the value.
 */
export function secretKey(secret: string, field = 'body.secret'): Buffer {
  const message = `must be ${WEBHOOK_SECRET_PREFIX} followed by base64 of ${WEBHOOK_SECRET_MIN_BYTES} to ${WEBHOOK_SECRET_MAX_BYTES} random bytes; leave it out to have one generated`;
  const body = secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : null;
  if (body === null || !/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) {
    throw new InvalidInputError(`${field}: ${message}`, [{ path: field, message }]);
  }
  const key = Buffer.from(body, 'base64');
  if (key.length < WEBHOOK_SECRET_MIN_BYTES || key.length > WEBHOOK_SECRET_MAX_BYTES) {
    throw new InvalidInputError(`${field}: ${message}`, [{ path: field, message }]);
  }
  return key;
}

/** Validates an endpoint from configuration; errors name `webhooks[i].field`. */
export function endpointFromConfig(
  entry: WebhookEndpointConfig,
  index: number,
  now: string,
  tenants?: ReadonlySet<string>,
): WebhookEndpoint {
  const at = `webhooks[${index}]`;
  const fail = (field: string, message: string): never => {
    throw new InvalidInputError(`${at}.${field}: ${message}`, [{ path: `${at}.${field}`, message }]);
  };
  if (typeof entry.id !== 'string' || !ID_PATTERN.test(entry.id))
    fail('id', 'must match ^[A-Za-z0-9_.-]{1,64}$');
  if (typeof entry.tenantId !== 'string' || entry.tenantId === '') fail('tenantId', 'must name a tenant');
  // A typo here would notify nobody, silently: refuse it at start instead.
  if (tenants && !tenants.has(entry.tenantId)) {
    fail('tenantId', `"${entry.tenantId}" is not one of the gateway's tenants (${[...tenants].join(', ')})`);
  }
  if (typeof entry.url !== 'string') fail('url', 'must be a URL string');
  checkEndpointUrl(entry.url, `${at}.url`);
  if (typeof entry.secret !== 'string') fail('secret', `must be a ${WEBHOOK_SECRET_PREFIX}… string`);
  secretKey(entry.secret, `${at}.secret`);
  if (!Array.isArray(entry.events) || entry.events.length === 0)
    fail('events', 'must list at least one event');
  for (const event of entry.events) {
    if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(event)) {
      fail('events', `must be among ${WEBHOOK_EVENT_TYPES.join(', ')}`);
    }
  }
  const format = entry.format ?? 'json';
  if (!(WEBHOOK_FORMATS as readonly string[]).includes(format)) fail('format', 'must be json or slack');
  return {
    id: entry.id,
    tenantId: entry.tenantId,
    url: entry.url,
    events: [...new Set(entry.events)] as WebhookEventType[],
    format: format as WebhookFormat,
    secret: entry.secret,
    enabled: entry.enabled !== false,
    source: 'config',
    createdAt: now,
    updatedAt: now,
  };
}

/** The contract's `Webhook`: no secret, the URL shortened. */
export function publicEndpoint(endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    url: displayUrl(endpoint.url),
    events: endpoint.events,
    format: endpoint.format,
    enabled: endpoint.enabled,
    source: endpoint.source,
    created_at: endpoint.createdAt,
    updated_at: endpoint.updatedAt,
  };
}
