/** Every console default in one place. */

export const API_PREFIX = '/api/v1';
/** The pasted key lives here, in sessionStorage only: gone when the tab closes, never a cookie. */
export const SESSION_KEY_STORAGE = 'actpass.console.key';

/** How often the approvals inbox and the decision stream ask for news. */
export const APPROVALS_POLL_MS = 3000;
export const DECISIONS_POLL_MS = 2000;
/** The "time left" clock on pending approvals ticks this often. */
export const CLOCK_TICK_MS = 1000;

/** Evidence pages the decision stream reads per request, and how many decisions it keeps on screen. */
export const EVIDENCE_PAGE_LIMIT = 500;
export const DECISIONS_KEPT = 500;
/** The decision stream starts with the decisions of this many past hours, then follows new ones. */
export const DECISIONS_WINDOW_HOURS = 24;
/** Pending approvals shown at once. */
export const APPROVALS_LIST_LIMIT = 200;

/** A candidate policy larger than this is refused before upload (the gateway's body limit is 1 MiB). */
export const CANDIDATE_MAX_BYTES = 1024 * 1024;

/** Rollout windows offered in the report view, in hours. */
export const ROLLOUT_WINDOWS_HOURS: readonly number[] = [1, 24, 24 * 7, 24 * 30];
export const ROLLOUT_DEFAULT_WINDOW_HOURS = 24;

export const DECISION_VALUES = [
  'allow',
  'deny',
  'require_approval',
  'require_tool_reapproval',
  'warn',
] as const;

/** Risk tiers whose approval asks "are you sure?" once more before it is sent. */
export const CONFIRM_RISK_TIERS: readonly string[] = ['high', 'critical'];
/** Decided requests shown in the inbox's history. */
export const APPROVALS_HISTORY_LIMIT = 100;
