/**
 * One line per request for the operator (`actpass dev` prints them): who asked (the key's id, never
 * the key), what, the answer and how long it took. The method and path come from the caller, so they
 * are escaped before they reach a terminal: a newline cannot forge a second line and an ANSI escape
 * cannot repaint the screen.
 */

import { escapeUnsafeInJson } from '@actpass/edge/text';
import type { Principal } from '../auth/index.js';
import type { RequestLogEntry } from '../config/index.js';

export type { RequestLogEntry };

export type RequestLogFormat = 'text' | 'json';

/** What the handler knows once the response is ready. */
export function requestLogEntry(parts: {
  startedAt: number;
  ms: number;
  requestId: string;
  principal: Principal | null;
  method: string;
  path: string;
  status: number;
  body: string;
}): RequestLogEntry {
  const { decision, reason } = outcome(parts.body);
  return {
    time: new Date(parts.startedAt).toISOString(),
    request_id: parts.requestId,
    key_id: parts.principal?.keyId ?? null,
    tenant_id: parts.principal?.tenantId ?? null,
    method: parts.method,
    path: parts.path,
    status: parts.status,
    decision,
    reason,
    ms: Math.round(parts.ms * 10) / 10,
  };
}

function outcome(body: string): { decision: string | null; reason: string | null } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { decision: null, reason: null };
  }
  const record = isRecord(parsed) ? parsed : {};
  const error = isRecord(record.error) ? record.error : undefined;
  if (error) return { decision: null, reason: stringOrNull(error.code) };
  return { decision: stringOrNull(record.decision), reason: stringOrNull(record.reason_code) };
}

/** `time request_id key=… tenant=… METHOD path status decision/reason 1.2ms`, or one JSON object. */
export function formatRequestLog(entry: RequestLogEntry, format: RequestLogFormat): string {
  if (format === 'json') return escapeUnsafeInJson(JSON.stringify(entry));
  const answer = entry.decision !== null ? `${entry.decision}/${entry.reason ?? '-'}` : (entry.reason ?? '-');
  return [
    entry.time,
    escapeText(entry.request_id),
    `key=${escapeText(entry.key_id ?? '-')}`,
    `tenant=${escapeText(entry.tenant_id ?? '-')}`,
    escapeText(entry.method),
    escapeText(entry.path),
    String(entry.status),
    escapeText(answer),
    `${entry.ms}ms`,
  ].join(' ');
}

/** Printable ASCII but space stays as it is; everything else becomes `\xHH` or `\u{…}`. */
export function escapeText(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) as number;
    if (char === '\\') out += '\\\\';
    else if (code > 0x20 && code < 0x7f) out += char;
    else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += `\\u{${code.toString(16)}}`;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
