/** The time window a report or a what-if covers: `[since, until)`, defaulting to the last 24 hours. */
import { REPORT_DEFAULT_WINDOW_MS } from '../constants.js';
import { InvalidInputError } from '../store/errors.js';

export interface ReportWindow {
  sinceMs: number;
  untilMs: number;
}

export interface WindowInput {
  since?: string | undefined;
  until?: string | undefined;
}

/** Resolves the window; `where` names the fields in errors (`query` or `body`). */
export function resolveWindow(input: WindowInput, nowMs: number, where: 'query' | 'body'): ReportWindow {
  const untilMs = input.until === undefined ? nowMs : instant(input.until, `${where}.until`);
  const sinceMs =
    input.since === undefined ? untilMs - REPORT_DEFAULT_WINDOW_MS : instant(input.since, `${where}.since`);
  if (sinceMs >= untilMs) {
    throw new InvalidInputError(
      `${where}.since must be before ${where}.until (${new Date(sinceMs).toISOString()} is not before ${new Date(untilMs).toISOString()}); widen the window.`,
      [{ path: `${where}.since`, message: 'must be before until' }],
    );
  }
  return { sinceMs, untilMs };
}

function instant(text: string, path: string): number {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) {
    throw new InvalidInputError(
      `${path}: "${text}" is not an RFC 3339 date-time; use e.g. 2026-11-23T00:00:00Z.`,
      [{ path, message: 'must be a date-time' }],
    );
  }
  return ms;
}
