/**
 * Defaults of the Claude Code hook's runtime, in one place: its time budget, its input bounds and where
 * it keeps session state. Claude Code starts the hook once per tool call and runs the tool when the hook
 * exits non-zero (other than 2) or times out, so every bound here ends in a JSON deny, never a hang.
 */

/** Whole-hook deadline (reading stdin, session state, the gateway call): well under the hook timeout. */
export const HOOK_DEADLINE_MS = 5_000;
/** Smallest and largest deadline a flag or environment variable may set. */
export const HOOK_DEADLINE_MIN_MS = 100;
export const HOOK_DEADLINE_MAX_MS = 60_000;
/** Environment variable for the deadline (`--deadline-ms` wins). */
export const HOOK_DEADLINE_ENV = 'ACTPASS_HOOK_DEADLINE_MS';
/**
 * Time kept back from the gateway call for printing the answer and saving session state; the gateway
 * gets the rest. Small, because the deadline is already far below the hook timeout.
 */
export const HOOK_RESERVE_MS = 150;
/** Per-attempt timeout of the gateway call, cut to what is left of the deadline. */
export const HOOK_ATTEMPT_TIMEOUT_MS = 3_000;
/** One retry, started only when it can finish before the deadline. */
export const HOOK_MAX_RETRIES = 1;

/** Largest PreToolUse payload read from stdin; a larger one is denied unread. */
export const HOOK_INPUT_MAX_BYTES = 1024 * 1024;
/** Deepest JSON nesting accepted (the gateway refuses deeper bodies too). */
export const HOOK_INPUT_MAX_DEPTH = 64;

/** Environment variables naming the session-state directory and the integrity key file. */
export const HOOK_STATE_DIR_ENV = 'ACTPASS_HOOK_STATE_DIR';
export const HOOK_KEY_FILE_ENV = 'ACTPASS_HOOK_KEY_FILE';
/**
 * Largest transcript read to learn whether a session already ran tools. A longer transcript is taken
 * as one that did (a session does not write megabytes before its first tool call).
 */
export const HOOK_TRANSCRIPT_MAX_BYTES = 32 * 1024 * 1024;
/** Largest session journal read (one ~140-byte line per session event); a larger one is set aside. */
export const HOOK_JOURNAL_MAX_BYTES = 16 * 1024 * 1024;
/** Largest session record or key file read. */
export const HOOK_STATE_FILE_MAX_BYTES = 4 * 1024;
