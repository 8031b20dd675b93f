/** How long a session keeps a label after it was added: a working day, then the session starts clean. */
export const SESSION_LABEL_TTL_MS = 24 * 60 * 60 * 1000;
/** Sessions an in-memory or file store keeps at once; past it the oldest is forgotten first. */
export const SESSION_LABEL_MAX_SESSIONS = 100_000;
