/**
 * Over HTTP every request carries the agent's key; before anything is listed or called the gateway
 * must accept it as an agent key. An accepted key is remembered (by its SHA-256, never the key) for a
 * short while so a session's requests do not each cost a round trip; a refused one is not, so a key
 * revoked a moment ago is not served from memory. Every preflight authenticates the key afresh.
 */
import { MCP_AGENT_KEY_VALID_TTL_MS } from '../../constants.js';
import { sha256Hex } from '../../hash.js';
import type { GatewayLink } from '../gateway-link.js';

export type KeyVerdict = 'valid' | 'invalid' | 'unavailable';

/** Most accepted keys remembered at once; the oldest is forgotten first. */
const MAX_REMEMBERED = 1_000;

export class AgentKeys {
  readonly #validUntil = new Map<string, number>();

  constructor(private readonly link: GatewayLink) {}

  async check(agentKey: string): Promise<KeyVerdict> {
    const id = sha256Hex(agentKey);
    const until = this.#validUntil.get(id);
    if (until !== undefined && until > Date.now()) return 'valid';
    this.#validUntil.delete(id);
    const verdict = await this.link.checkAgentKey(agentKey);
    if (verdict.status !== 'valid') return verdict.status;
    if (this.#validUntil.size >= MAX_REMEMBERED) {
      const oldest = this.#validUntil.keys().next().value;
      if (oldest !== undefined) this.#validUntil.delete(oldest);
    }
    this.#validUntil.set(id, Date.now() + MCP_AGENT_KEY_VALID_TTL_MS);
    return 'valid';
  }
}
