/**
 * Asks every upstream at once and keeps what answered: a server that fails, hangs past its listing
 * deadline or floods is left out with a warning, and is not asked again for its `retry_after_ms`, so
 * one bad server never holds up the others' tools (nor every later listing). A server that is still
 * starting is only skipped: the next listing takes it as soon as it is up.
 */
import { PROXY_LOGGED_TEXT_MAX_CHARS } from '../../constants.js';
import { StillStarting } from './listing.js';
import type { UpstreamPool } from './upstreams.js';

export class Fanout {
  readonly #leftOutUntil = new Map<string, number>();

  constructor(
    private readonly pool: UpstreamPool,
    private readonly warn: (message: string) => void,
  ) {}

  /**
   * Per server that answered, its items; `what` names the listing in warnings (`tools`, …). `only`
   * limits the listing to those servers (the others' last listing is still good); default every one.
   */
  async collect<T>(
    what: string,
    list: (server: string) => Promise<T[]>,
    only: readonly string[] = this.pool.names(),
  ): Promise<Map<string, T[]>> {
    const now = Date.now();
    const servers = only.filter((server) => (this.#leftOutUntil.get(`${what}:${server}`) ?? 0) <= now);
    const settled = await Promise.allSettled(servers.map((server) => list(server)));
    const answered = new Map<string, T[]>();
    settled.forEach((outcome, i) => {
      const server = servers[i] as string;
      const key = `${what}:${server}`;
      if (outcome.status === 'fulfilled') {
        this.#leftOutUntil.delete(key);
        answered.set(server, outcome.value);
        return;
      }
      if (outcome.reason instanceof StillStarting) {
        this.warn(`MCP upstream "${server}" is still starting; left out of this ${what} listing`);
        return;
      }
      const retryAfter = this.pool.upstream(server)?.listing.retryAfterMs ?? 0;
      this.#leftOutUntil.set(key, Date.now() + retryAfter);
      const reason = ((outcome.reason as Error)?.message ?? String(outcome.reason)).slice(
        0,
        PROXY_LOGGED_TEXT_MAX_CHARS,
      );
      this.warn(`MCP upstream "${server}" left out of the ${what} listing for ${retryAfter} ms: ${reason}`);
    });
    return answered;
  }
}
