/** Defaults of the reliability suites in one place. */

/** Trickle mode: one response byte per this many ms (far slower than any client timeout we use). */
export const TRICKLE_INTERVAL_MS = 50;
/** Corrupt mode XORs the chosen body byte with this: every bit flips. */
export const CORRUPT_XOR_MASK = 0xff;
/** Request bodies above this are not hashed for the log (ours are a few hundred bytes). */
export const MAX_LOGGED_BODY_BYTES = 1024 * 1024;

/** How long to wait for `actpass dev --json` to print its ready line (a loaded CI machine is slow). */
export const GATEWAY_READY_TIMEOUT_MS = 60_000;
/** The admin evidence API's page limit (the contract's maximum). */
export const EVIDENCE_PAGE_LIMIT = 1000;

/**
 * Refund amounts the gateway's default refunds pack decides deterministically: small ones are allowed,
 * large ones denied. The suites use them as ground truth for "should this have run?".
 */
export const ALLOWED_REFUND_AMOUNT = 500;
export const DENIED_REFUND_AMOUNT = 900_000;
export const REFUND_TOOL = 'stripe.refund.create';
