/**
 * Session memory for rules that span calls ("a secret read followed by network egress"). Claude Code
 * starts the hook afresh for every call, so what a session did is kept on disk — where the agent's own
 * tools could reach it. Three things keep that from turning into "forgotten, so clean":
 *
 * - The state lives outside any workspace (the user's state directory by default), so removing or
 *   rewriting it is a write or delete outside the workspace, which the coding-agents pack refuses.
 * - Each session has a record (`<sha256 of the id>.json`) and lines in an append-only journal, both
 *   signed with a per-user key kept elsewhere (see state-key.ts). The record can be rewritten; the
 *   journal only grows, so a secret read, once journaled, is never lost to a racing rewrite.
 * - Anything missing, unsigned, damaged or swapped for a session that existed reads as `unknown`, and
 *   `unknown` is sticky for that session: rules treat it like a secret read (egress asks a person).
 *   A session "existed" when the journal or its record names it, or when Claude Code's transcript for
 *   it already holds a tool result. Only a session with none of these is new, and clean.
 *
 * What this cannot stop is a same-user process that copies the whole state directory away before a
 * secret read and copies it back after; that copy is a write outside the workspace, refused by rule.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { sha256Hex } from '../../hash.js';
import {
  HOOK_JOURNAL_MAX_BYTES,
  HOOK_STATE_DIR_ENV,
  HOOK_STATE_FILE_MAX_BYTES,
  HOOK_TRANSCRIPT_MAX_BYTES,
} from './defaults.js';
import { readRegularFile, UnreadableFileError } from './files.js';
import { findStateKey, loadStateKey, type StateKey } from './state-key.js';

export { HOOK_STATE_DIR_ENV };

/** What the hook tells the policy about the session (`context.session`). */
export interface SessionState {
  /** The session read a secret, or its state is unknown (then a secret read cannot be ruled out). */
  secret_read: boolean;
  /** `new`: first call, nothing recorded; `known`: a signed, consistent record; `unknown`: lost or damaged. */
  state: 'new' | 'known' | 'unknown';
  /** Why the state is unknown (only then). */
  unknown_reason?: string;
}

export interface SessionStore {
  dir: string;
  keyFile: string;
}

type JournalEvent = 'seen' | 'secret_read' | 'lost';
const EVENTS: readonly string[] = ['seen', 'secret_read', 'lost'];
const JOURNAL = 'journal.log';
const HEX64 = /^[0-9a-f]{64}$/;
const TOOL_RESULT = /"type"\s*:\s*"tool_result"|"toolUseResult"\s*:/;

/** `ACTPASS_HOOK_STATE_DIR`, else `$XDG_STATE_HOME/actpass/hook`, else `~/.local/state/actpass/hook`. */
export function stateDir(env: Record<string, string | undefined> = process.env): string {
  const configured = env[HOOK_STATE_DIR_ENV];
  if (configured) return configured;
  const state = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'actpass', 'hook');
}

/** Whether `path` is `workspace` or inside it (state there is the agent's to rewrite). */
export function insideWorkspace(path: string, workspace: string): boolean {
  const rel = relative(workspace, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

const recordTag = (key: StateKey, session: string, secretRead: boolean, lost: boolean) =>
  key.sign(`actpass-hook-record\nv1\n${session}\n${secretRead}\n${lost}`);
const journalTag = (key: StateKey, session: string, event: JournalEvent) =>
  key.sign(`actpass-hook-journal\nv1\n${session}\n${event}`);

interface Record_ {
  secret_read: boolean;
  lost: boolean;
}

type Reading<T> = { ok: true; value: T } | { ok: false; why: string };

function readRecord(store: SessionStore, key: StateKey, session: string): Reading<Record_ | null> {
  let text: string;
  try {
    const bytes = readRegularFile(join(store.dir, `${session}.json`), HOOK_STATE_FILE_MAX_BYTES);
    if (bytes === null) return { ok: true, value: null };
    text = bytes.toString('utf8');
  } catch {
    return { ok: false, why: 'the session record cannot be read (not a small regular file)' };
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { ok: false, why: 'the session record is damaged' };
  }
  const { session: named, secret_read, lost, tag } = parsed ?? {};
  if (named !== session) return { ok: false, why: 'the session record belongs to another session' };
  if (typeof secret_read !== 'boolean' || typeof lost !== 'boolean' || typeof tag !== 'string')
    return { ok: false, why: 'the session record is damaged' };
  if (tag !== recordTag(key, session, secret_read, lost))
    return { ok: false, why: 'the session record does not carry a valid signature' };
  return { ok: true, value: { secret_read, lost } };
}

/**
 * Moves a damaged journal aside (kept for a person to look at) so the next call starts a fresh one.
 * Safe: every session the old journal named now has a record without a journal line, which reads as
 * unknown, and a session with neither is judged by its transcript.
 */
function quarantine(store: SessionStore): void {
  try {
    renameSync(join(store.dir, JOURNAL), join(store.dir, `journal.damaged-${Date.now()}-${process.pid}.log`));
  } catch {
    // Another hook moved it first, or the directory is gone: either way the next call sees no damage.
  }
}

/** This session's signed journal events; any line that could be this session's and does not verify fails. */
function readJournal(store: SessionStore, key: StateKey, session: string): Reading<Set<string> | null> {
  let text: string;
  try {
    const bytes = readRegularFile(join(store.dir, JOURNAL), HOOK_JOURNAL_MAX_BYTES);
    if (bytes === null) return { ok: true, value: null };
    text = bytes.toString('utf8');
  } catch {
    quarantine(store);
    return { ok: false, why: 'the session journal cannot be read (not a regular file, or too large)' };
  }
  const events = new Set<string>();
  const lines = text.split('\n');
  const unfinished = lines.pop() as string;
  // A last line without its newline is another hook's append in flight, unless it could be this
  // session's (then a cut line is exactly how a secret read would be dropped).
  if (unfinished !== '' && !(unfinished.length >= 64 && !unfinished.startsWith(session)))
    return { ok: false, why: 'the session journal ends in a cut line' };
  for (const line of lines) {
    const [named, event, tag, ...rest] = line.split(' ');
    if (!named || !HEX64.test(named) || !event || !EVENTS.includes(event) || !tag || rest.length > 0) {
      quarantine(store);
      return { ok: false, why: 'the session journal is damaged' };
    }
    if (named !== session) continue;
    if (tag !== journalTag(key, session, event as JournalEvent))
      return { ok: false, why: 'a session journal line does not carry a valid signature' };
    events.add(event);
  }
  return { ok: true, value: events };
}

/** Whether Claude Code's transcript already holds a tool result (then this is not the first call). */
function transcriptRanTools(path: string | undefined): boolean {
  if (!path) return false;
  let bytes: Buffer | null;
  try {
    bytes = readRegularFile(path, HOOK_TRANSCRIPT_MAX_BYTES);
  } catch (error) {
    // A transcript too large to read has surely seen a tool call; one that is not a file proves nothing.
    return error instanceof UnreadableFileError && /larger than/.test(error.message);
  }
  return bytes !== null && TOOL_RESULT.test(bytes.toString('utf8'));
}

/**
 * The session's state as far as it can be trusted. Never throws: what cannot be read is `unknown`.
 * `transcriptPath` is Claude Code's transcript for this session (from the payload).
 */
export function readSession(store: SessionStore, sessionId: string, transcriptPath?: string): SessionState {
  const unknown = (why: string): SessionState => ({
    secret_read: true,
    state: 'unknown',
    unknown_reason: why,
  });
  let found: StateKey | null;
  try {
    found = findStateKey(store.keyFile);
  } catch {
    return unknown('the state key cannot be read');
  }
  // Without a key nothing on disk can verify: any state there is unknown; none at all is a first run.
  const key = found ?? { existed: false, sign: () => 'no key' };
  const session = sha256Hex(sessionId);
  const record = readRecord(store, key, session);
  if (!record.ok) return unknown(record.why);
  const journal = readJournal(store, key, session);
  if (!journal.ok) return unknown(journal.why);
  const events = journal.value ?? new Set<string>();
  if (record.value?.lost || events.has('lost'))
    return unknown('an earlier call found this state lost or damaged');
  if (record.value && !events.has('seen')) return unknown('the session journal lost this session');
  if (!record.value && events.size > 0) return unknown('the session record is missing');
  if (record.value) {
    return { secret_read: record.value.secret_read || events.has('secret_read'), state: 'known' };
  }
  if (!key.existed && journal.value === null) {
    // First run on this machine (no key yet): nothing can have been recorded before.
    return transcriptRanTools(transcriptPath)
      ? unknown('no state for a session that already ran tools')
      : { secret_read: false, state: 'new' };
  }
  if (journal.value === null) return unknown('the session journal is missing');
  if (transcriptRanTools(transcriptPath)) return unknown('no state for a session that already ran tools');
  return { secret_read: false, state: 'new' };
}

/**
 * Records what this call learned: a new session is journaled; a secret read is journaled and kept in the
 * record; an unknown state is recorded as lost, so it stays unknown for the rest of the session.
 */
export function recordSession(
  store: SessionStore,
  sessionId: string,
  before: SessionState,
  learned: { secret_read: boolean },
): void {
  const nowSecret = learned.secret_read && !(before.state === 'known' && before.secret_read);
  if (before.state === 'known' && !nowSecret) return;
  const key = loadStateKey(store.keyFile);
  const session = sha256Hex(sessionId);
  mkdirSync(store.dir, { recursive: true, mode: 0o700 });
  const events: JournalEvent[] = [];
  if (before.state !== 'known') events.push('seen');
  if (before.state === 'unknown') events.push('lost');
  if (nowSecret) events.push('secret_read');
  // One write per line, O_APPEND: parallel hooks never interleave inside a line.
  for (const event of events) {
    appendFileSync(join(store.dir, JOURNAL), `${session} ${event} ${journalTag(key, session, event)}\n`, {
      mode: 0o600,
    });
  }
  const secretRead = (before.state === 'known' && before.secret_read) || learned.secret_read;
  const lost = before.state === 'unknown';
  const record = {
    v: 1,
    session,
    secret_read: secretRead,
    lost,
    tag: recordTag(key, session, secretRead, lost),
  };
  // A fresh name, created exclusively: never written through something already at that path.
  const staged = join(store.dir, `${session}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(staged, JSON.stringify(record), { mode: 0o600, flag: 'wx' });
  renameSync(staged, join(store.dir, `${session}.json`));
}
