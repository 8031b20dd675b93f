import type { Principal, Role } from '../auth/index.js';
import type { GatewayServices } from '../config/services.js';

/** What the handler needs from a request, whether it came through `fetch` or node:http. */
export interface IncomingRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The raw query string without `?`. */
  query: string;
  header(name: string): string | null;
  /** The body as text; rejects with `BodyTooLargeError` past `maxBytes`. */
  readBody(maxBytes: number): Promise<string>;
}

export interface OutgoingResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

export interface OperationContext {
  services: GatewayServices;
  /** Null only for the public operations (JWKS, health). */
  principal: Principal | null;
  // biome-ignore lint/suspicious/noExplicitAny: validated against the contract schema before the operation runs
  body: any;
  params: Record<string, string>;
  query: Record<string, unknown>;
  requestId: string;
  idempotencyKey: string | null;
  /** A request header (lower-case name): only sign-in reads them (its cookie, the page's origin). */
  header(name: string): string | null;
}

export interface OperationResult {
  status: number;
  body: unknown;
  /**
   * A credential lease for this caller only: sent as the body's `credential` member, never stored with
   * an idempotency record (a replay leases it again from the vault).
   */
  lease?: { tool: string; credential: { name: string } };
  /** Headers beside the gateway's own: a sign-in redirect's `location` and its `set-cookie`. */
  headers?: Record<string, string>;
}

export interface OperationSpec {
  /** Any one of these roles may call it; null for the public operations. */
  roles: readonly Role[] | null;
  /** Skip contract validation of the body because the operation validates it more thoroughly itself. */
  validatesOwnBody?: boolean;
  /** Answers without waiting for start-up (policy seeding), which needs the stores: liveness only. */
  liveness?: boolean;
  /** Writes nothing anywhere (a what-if): an Idempotency-Key is accepted but no response is stored. */
  pure?: boolean;
  /**
   * Every ledger effect it has is one event that records the Idempotency-Key's SHA-256 and the caller's
   * key id (a decision), so the idempotency record may be written behind the answer (idempotency/).
   */
  ledgerRecordsKey?: boolean;
  run(context: OperationContext): Promise<OperationResult>;
}

/** The caller of an authenticated operation (the router guarantees one). */
export function caller(context: OperationContext): Principal {
  if (!context.principal) throw new Error('operation needs an authenticated caller');
  return context.principal;
}
