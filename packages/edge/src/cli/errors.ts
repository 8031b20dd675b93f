/** Exit codes: 0 success, 1 a check found problems, 2 the command itself was used wrongly. */
export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_USAGE = 2;

/** A bad flag, a missing argument, an unreadable file: the message names it and says the fix. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
