/**
 * The key that signs the hook's session state. It is per user, random, mode 0600, and lives apart from
 * the state it signs (so deleting or rewriting the state directory leaves the key, and a record written
 * without it does not verify). Created once, atomically: parallel hooks on a first run agree on one key.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { HOOK_KEY_FILE_ENV, HOOK_STATE_FILE_MAX_BYTES } from './defaults.js';
import { readRegularFile } from './files.js';

export interface StateKey {
  /** Whether the key file was there before this run (a first run has no state to lose). */
  existed: boolean;
  sign(text: string): string;
}

const KEY_TEXT = /^[0-9a-f]{64}$/;

/** `ACTPASS_HOOK_KEY_FILE`, else `$XDG_CONFIG_HOME/actpass/hook.key`, else `~/.config/actpass/hook.key`. */
export function defaultKeyFile(env: Record<string, string | undefined> = process.env): string {
  const configured = env[HOOK_KEY_FILE_ENV];
  if (configured) return configured;
  const config = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(config, 'actpass', 'hook.key');
}

function signer(hex: string): (text: string) => string {
  const key = Buffer.from(hex, 'hex');
  return (text) => createHmac('sha256', key).update(text).digest('hex');
}

/** The key's hex text, or null when there is no key file. */
function readKey(path: string): string | null {
  const bytes = readRegularFile(path, HOOK_STATE_FILE_MAX_BYTES);
  if (bytes === null) return null;
  const text = bytes.toString('utf8').trim();
  if (!KEY_TEXT.test(text)) throw new Error(`the hook state key ${path} is not 64 hex characters`);
  return text;
}

/** The key at `path`, or null when there is none yet. Throws when it exists but cannot be read. */
export function findStateKey(path: string): StateKey | null {
  const hex = readKey(path);
  return hex === null ? null : { existed: true, sign: signer(hex) };
}

/** The key at `path`, created when there is none (only writers create it; readers never do). */
export function loadStateKey(path: string): StateKey {
  const found = findStateKey(path);
  if (found) return found;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const staged = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(staged, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    // link() never replaces: when another hook created the key first, both use that one.
    linkSync(staged, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(staged);
  }
  const hex = readKey(path);
  if (hex === null) throw new Error(`the hook state key ${path} vanished while it was created`);
  return { existed: false, sign: signer(hex) };
}
