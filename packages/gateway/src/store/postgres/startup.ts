/**
 * Start-up against a database that may not be up yet: several gateway processes are often started
 * together with their database (a compose file, a node reboot), so the first attempts can find it
 * refusing connections or still recovering. Retry with backoff until the start-up deadline, telling
 * the caller of each failed try; give up with a message that says what was tried and for how long.
 */
import type { Pool } from './pool.js';

export interface StartupRetry {
  /** 1 for the first failed try. */
  attempt: number;
  /** Why it failed, without the connection string (it may hold a password). */
  reason: string;
  /** How long until the next try. */
  delayMs: number;
}

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;

/**
 * SQLSTATE classes that no retry fixes: a wrong password or role (28), a refused parameter (22, 42).
 * Everything else (refused or reset connections, `57P03` "the database system is starting up", a
 * database not created yet) is worth another try.
 */
const PERMANENT_CLASSES = ['28', '22', '42'];

export async function waitForDatabase(
  pool: Pool,
  deadlineMs: number,
  onRetry: (retry: StartupRetry) => void = () => undefined,
): Promise<void> {
  const started = Date.now();
  let delayMs = FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await pool.query('SELECT 1');
      return;
    } catch (error) {
      const reason = describe(error);
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && PERMANENT_CLASSES.includes(code.slice(0, 2))) {
        throw new Error(`PostgreSQL refused the gateway: ${reason}`, { cause: error });
      }
      const left = deadlineMs - (Date.now() - started);
      if (left <= 0) {
        throw new Error(
          `PostgreSQL was not reachable within ${Math.round(deadlineMs / 1000)} s (${attempt} tries; last: ${reason}); ` +
            'check that it is up, or raise ACTPASS_PG_STARTUP_TIMEOUT_MS.',
          { cause: error },
        );
      }
      const wait = Math.min(delayMs, left);
      onRetry({ attempt, reason, delayMs: wait });
      await new Promise((resolve) => setTimeout(resolve, wait));
      delayMs = Math.min(MAX_DELAY_MS, delayMs * 2);
    }
  }
}

/** A driver error's own words plus its code; `pg` never puts the password in them. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}
