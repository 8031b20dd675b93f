/**
 * The evidence a proxy records when it redacted something from an answer: which kinds, how many of
 * each and in total — never the values, their lengths or where they were.
 */
import { type Redactions, total } from './filter.js';

export const RESPONSE_REDACTED_EVIDENCE_TYPE = 'response.redacted';

export function redactionEvidence(
  where: Record<string, unknown>,
  redactions: Redactions,
): Record<string, unknown> {
  const kinds = Object.fromEntries(Object.entries(redactions).sort(([a], [b]) => a.localeCompare(b)));
  return { ...where, kinds, count: total(redactions) };
}
