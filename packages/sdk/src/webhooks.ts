/**
 * Verifying a webhook delivery from an ActPass gateway (Standard Webhooks signing): the
 * `webhook-signature` header holds one or more `v1,<base64 HMAC-SHA256>` entries over
 * `"<webhook-id>.<webhook-timestamp>.<raw body>"`, keyed with the bytes inside the endpoint's `whsec_`
 * secret. Several entries let a receiver accept either key while a secret is rotated.
 *
 * `import { verifyWebhook } from '@actpass/sdk/webhooks'`: its own entry, since a receiver needs no
 * client. Web Crypto only (no Node built-in), so it runs in edge runtimes too; that makes it async.
 */
import { ActPassError } from './core/errors.js';
import type { Schemas } from './core/types.js';

/** A verified `json`-format delivery, as the contract's `WebhookEvent` describes it. */
export type WebhookEvent = Schemas['WebhookEvent'];
export type WebhookEventType = Schemas['WebhookEventType'];

/** Why a delivery was refused; stable across both SDKs (and the shared test vectors). */
export type WebhookVerificationErrorCode =
  | 'invalid_secret'
  | 'missing_header'
  | 'invalid_timestamp'
  | 'timestamp_out_of_tolerance'
  | 'invalid_signature'
  | 'invalid_payload';

/** The delivery is not one to act on. The message names the header or the fix, never the secret. */
export class WebhookVerificationError extends ActPassError {
  override name = 'WebhookVerificationError';
  readonly code: WebhookVerificationErrorCode;

  constructor(code: WebhookVerificationErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** A `Headers`, or a plain object such as Node's `IncomingHttpHeaders` (any case of the names). */
export type WebhookHeaders =
  | Headers
  | { get(name: string): string | null }
  | Record<string, string | readonly string[] | undefined>;

export interface VerifyWebhookOptions {
  /** How far `webhook-timestamp` may be from now, either way. Default 300 s. */
  toleranceSeconds?: number;
  /** Epoch milliseconds "now" (tests). Default `Date.now()`. */
  now?: number;
}

export const WEBHOOK_TOLERANCE_SECONDS = 300;
const SECRET_PREFIX = 'whsec_';
const MIN_KEY_BYTES = 16;

/**
 * Checks a delivery and returns its event. `payload` must be the raw body exactly as received (a
 * string or bytes): re-serialised JSON will not verify. Throws `WebhookVerificationError`.
 */
export async function verifyWebhook(
  payload: string | Uint8Array | ArrayBuffer,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyWebhookOptions = {},
): Promise<WebhookEvent> {
  const key = secretBytes(secret);
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!/^\d{1,15}$/.test(timestamp)) {
    throw new WebhookVerificationError(
      'invalid_timestamp',
      'The webhook-timestamp header must be whole seconds since the epoch.',
    );
  }
  const tolerance = options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_out_of_tolerance',
      `The webhook-timestamp is more than ${tolerance} s from now: a replayed or delayed delivery (or a skewed clock).`,
    );
  }
  const body = typeof payload === 'string' ? new TextEncoder().encode(payload) : bytesOf(payload);
  const signed = concat(new TextEncoder().encode(`${id}.${timestamp}.`), body);
  const expected = await hmacSha256(key, signed);
  let matched = false;
  for (const entry of signatures.split(' ')) {
    const [version, value] = splitOnce(entry, ',');
    if (version !== 'v1' || value === undefined) continue;
    const given = base64ToBytes(value);
    // Every entry is compared in full (no early exit), so timing says nothing about which matched.
    if (given !== null && constantTimeEqual(given, expected)) matched = true;
  }
  if (!matched) {
    throw new WebhookVerificationError(
      'invalid_signature',
      'No v1 entry of the webhook-signature header matches: the body was changed, or the secret is not this endpoint’s.',
    );
  }
  return parseEvent(body, id);
}

function secretBytes(secret: string): Uint8Array {
  const encoded =
    typeof secret === 'string' && secret.startsWith(SECRET_PREFIX)
      ? secret.slice(SECRET_PREFIX.length)
      : null;
  const bytes = encoded === null ? null : base64ToBytes(encoded);
  if (bytes === null || bytes.length < MIN_KEY_BYTES) {
    throw new WebhookVerificationError(
      'invalid_secret',
      `The secret must be the endpoint's ${SECRET_PREFIX}… value (base64 of at least ${MIN_KEY_BYTES} bytes after the prefix).`,
    );
  }
  return bytes;
}

function header(headers: WebhookHeaders, name: string): string {
  let value: unknown;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    value = (headers as { get(name: string): string | null }).get(name);
  } else {
    const record = headers as Record<string, unknown>;
    const key = Object.keys(record).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : record[key];
    if (Array.isArray(value)) value = value.join(' ');
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new WebhookVerificationError('missing_header', `The ${name} header is missing or empty.`);
  }
  return value.trim();
}

function parseEvent(body: Uint8Array, id: string): WebhookEvent {
  let event: unknown;
  try {
    event = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new WebhookVerificationError('invalid_payload', 'The signed body is not UTF-8 JSON.');
  }
  const candidate = event as Partial<WebhookEvent> | null;
  const shaped =
    typeof candidate === 'object' &&
    candidate !== null &&
    !Array.isArray(candidate) &&
    typeof candidate.type === 'string' &&
    typeof candidate.tenant_id === 'string' &&
    typeof candidate.created_at === 'string' &&
    typeof candidate.data === 'object' &&
    candidate.data !== null;
  if (!shaped) {
    throw new WebhookVerificationError(
      'invalid_payload',
      'The signed body is not an ActPass webhook event (a Slack-format endpoint sends Slack messages instead).',
    );
  }
  if (candidate.id !== id) {
    throw new WebhookVerificationError('invalid_payload', 'The event id differs from the webhook-id header.');
  }
  return candidate as WebhookEvent;
}

async function hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const subtle = globalThis.crypto.subtle;
  const cryptoKey = await subtle.importKey(
    'raw',
    key as BufferSource,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return new Uint8Array(await subtle.sign('HMAC', cryptoKey, data as BufferSource));
}

/** Equal length and every byte compared, whatever differs first. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  const length = Math.max(a.length, b.length);
  for (let index = 0; index < length; index++) difference |= (a[index] ?? 0) ^ (b[index] ?? 0);
  return difference === 0;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function base64ToBytes(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0 || text.length === 0) return null;
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) out[index] = binary.charCodeAt(index);
  return out;
}

function bytesOf(payload: Uint8Array | ArrayBuffer): Uint8Array {
  return payload instanceof Uint8Array ? payload : new Uint8Array(payload);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
