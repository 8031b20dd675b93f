/**
 * The Streamable HTTP sessions the MCP proxy keeps (`Mcp-Session-Id`): one proxy server and one
 * transport per agent session, reused for every request that names it, so a session costs one set-up
 * rather than one per request and can be told when the tools change.
 *
 * A session belongs to the agent key that opened it: the store keeps the key's SHA-256 (never the
 * key) and answers a request naming the session with another key exactly as one naming no session at
 * all, so a session id is worth nothing to whoever lacks its key and cannot be probed. Sessions are
 * bounded: one idle past the idle timeout is closed, a key opening one more than it may have closes
 * its own least recently used one (a client that never says goodbye only competes with itself), and
 * past the total a new session is refused until one ends.
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { sha256Hex } from '../../hash.js';
import type { SessionLimits } from './config-fields.js';

export interface HttpSession {
  id: string;
  keyId: string;
  /** The flow-control session its calls belong to, fixed when it opened. */
  flowSessionId: string;
  server: Server;
  transport: StreamableHTTPServerTransport;
  lastSeen: number;
}

export type Lookup =
  | { status: 'found'; session: HttpSession }
  | { status: 'unknown' }
  /** Opened by another key: answered as unknown, but worth a warning. */
  | { status: 'foreign' };

export class HttpSessions {
  /** Insertion order is kept as least recently used first: each use moves a session to the end. */
  readonly #open = new Map<string, HttpSession>();
  readonly #sweeper: NodeJS.Timeout;

  constructor(
    private readonly limits: SessionLimits,
    private readonly onClose: (session: HttpSession) => void,
  ) {
    const every = Math.max(25, Math.min(Math.floor(limits.idleTimeoutMs / 4), 30_000));
    this.#sweeper = setInterval(() => this.sweep(), every);
    this.#sweeper.unref();
  }

  static keyId(agentKey: string): string {
    return sha256Hex(agentKey);
  }

  get size(): number {
    return this.#open.size;
  }

  /** The session `id` names, if the same key opened it; a use counts as activity. */
  lookup(id: string, agentKey: string): Lookup {
    const session = this.#open.get(id);
    if (!session) return { status: 'unknown' };
    if (session.keyId !== HttpSessions.keyId(agentKey)) return { status: 'foreign' };
    this.#touch(session);
    return { status: 'found', session };
  }

  /** Whether one more session may open at all (the per-key bound makes room by itself). */
  hasRoom(agentKey: string): boolean {
    return this.#open.size < this.limits.maxTotal || this.#countOf(HttpSessions.keyId(agentKey)) > 0;
  }

  add(session: HttpSession): void {
    const mine = [...this.#open.values()].filter((open) => open.keyId === session.keyId);
    // Room for the new one: this key's least recently used sessions are closed first.
    while (
      mine.length > 0 &&
      (mine.length >= this.limits.maxPerAgentKey || this.#open.size >= this.limits.maxTotal)
    )
      this.close((mine.shift() as HttpSession).id);
    this.#open.set(session.id, session);
  }

  /** Ends one session (its DELETE, its idle time, the bound, the proxy closing). Safe to repeat. */
  close(id: string): void {
    const session = this.#open.get(id);
    if (!session) return;
    this.#open.delete(id);
    this.onClose(session);
    void session.transport.close().catch(() => undefined);
    void session.server.close().catch(() => undefined);
  }

  sweep(now = Date.now()): void {
    for (const session of [...this.#open.values()])
      if (now - session.lastSeen >= this.limits.idleTimeoutMs) this.close(session.id);
  }

  closeAll(): void {
    clearInterval(this.#sweeper);
    for (const id of [...this.#open.keys()]) this.close(id);
  }

  #touch(session: HttpSession): void {
    session.lastSeen = Date.now();
    this.#open.delete(session.id);
    this.#open.set(session.id, session);
  }

  #countOf(keyId: string): number {
    let count = 0;
    for (const session of this.#open.values()) if (session.keyId === keyId) count++;
    return count;
  }
}
