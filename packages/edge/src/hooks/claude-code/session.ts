/**
 * Session memory for rules that span calls ("a secret read followed by network egress"): Claude Code
 * starts the hook afresh for every call, so what a session did is kept in a small file per session id
 * (its SHA-256, so the id never becomes a path), mode 0600, under ACTPASS_HOOK_STATE_DIR or the
 * system temp directory. A missing or unreadable file reads as a fresh session.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../../hash.js';

export interface SessionState {
  secret_read: boolean;
}

export const HOOK_STATE_DIR_ENV = 'ACTPASS_HOOK_STATE_DIR';

export function stateDir(env: Record<string, string | undefined> = process.env): string {
  return env[HOOK_STATE_DIR_ENV] || join(tmpdir(), 'actpass-hook');
}

function file(dir: string, sessionId: string): string {
  return join(dir, `${sha256Hex(sessionId)}.json`);
}

export function readSession(dir: string, sessionId: string): SessionState {
  try {
    const parsed = JSON.parse(readFileSync(file(dir, sessionId), 'utf8')) as Partial<SessionState>;
    return { secret_read: parsed.secret_read === true };
  } catch {
    return { secret_read: false };
  }
}

export function writeSession(dir: string, sessionId: string, state: SessionState): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(file(dir, sessionId), JSON.stringify(state), { mode: 0o600 });
}
