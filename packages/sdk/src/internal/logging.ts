import type { Logger } from '../core/logger.js';

// Keys whose values are secrets wherever they appear: the API key, credential leases and values,
// passport tokens. Matching on names is deliberate — a logger must not depend on callers remembering.
const SECRET_KEY = /^(authorization|api_?key|apikey|token|passport|value|credential|secret|password)$/i;
const REDACTED = '[redacted]';
const MAX_DEPTH = 6;

/** A copy of `value` with every secret-named field replaced, safe to hand to a logger. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? REDACTED : redact(item, depth + 1);
  }
  return out;
}

/** How much the SDK logs: `ACTPASS_LOG` or the `logLevel` option. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'off'];
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };

/**
 * Wraps the user's logger: fields are redacted, messages below `level` are dropped, and a logger that
 * throws cannot break a call (a logging failure must never turn into an unguarded action or a thrown
 * `guard()`).
 */
export function safeLogger(
  logger: Logger | undefined,
  secrets: () => string[],
  level: LogLevel = 'debug',
): Required<Logger> {
  const emit =
    (at: keyof Logger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (RANK[at] < RANK[level]) return;
      const fn = logger?.[at];
      if (!fn) return;
      try {
        fn.call(logger, scrub(message, secrets()), fields && (scrubDeep(redact(fields), secrets()) as never));
      } catch {
        // Deliberately swallowed, see above.
      }
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** Also strips known secret strings wherever they ended up (an error message quoting a header, say). */
function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  return out;
}

function scrubDeep(value: unknown, secrets: string[]): unknown {
  if (typeof value === 'string') return scrub(value, secrets);
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, secrets));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, secrets)]));
  }
  return value;
}

/**
 * The default logger, on stderr (stdout stays the program's: `actpass … --json` pipes it). Which
 * levels reach it is `logLevel` / `ACTPASS_LOG`, default `warn`.
 */
export const consoleLogger: Logger = {
  debug: (message, fields) => console.warn(`[actpass] ${message}`, fields ?? ''),
  info: (message, fields) => console.warn(`[actpass] ${message}`, fields ?? ''),
  warn: (message, fields) => console.warn(`[actpass] ${message}`, fields ?? ''),
  error: (message, fields) => console.error(`[actpass] ${message}`, fields ?? ''),
};

/** Printable ASCII kept, everything else `\xHH`: a request id or path cannot forge a log line. */
export function escapeForLog(value: string): string {
  return value
    .slice(0, 200)
    .replace(/[^\x21-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
