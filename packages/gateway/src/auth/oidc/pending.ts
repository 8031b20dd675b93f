/**
 * Sign-ins started and not yet finished, keyed by their state: each one's nonce and PKCE verifier.
 * Taking one removes it, so a state (and the code that came back with it) works once. Bounded and
 * expiring: a flood of started sign-ins forgets the oldest, never grows without limit.
 */
export interface PendingSignIn {
  nonce: string;
  codeVerifier: string;
  startedAtMs: number;
}

export class PendingSignIns {
  readonly #byState = new Map<string, PendingSignIn>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly nowMs: () => number,
  ) {}

  add(state: string, pending: PendingSignIn): void {
    this.#byState.set(state, pending);
    while (this.#byState.size > this.max) {
      const oldest = this.#byState.keys().next().value as string;
      this.#byState.delete(oldest);
    }
  }

  /** The sign-in started with this state, once; undefined when unknown, already used or too old. */
  take(state: string): PendingSignIn | undefined {
    const pending = this.#byState.get(state);
    this.#byState.delete(state);
    if (!pending || this.nowMs() - pending.startedAtMs > this.ttlMs) return undefined;
    return pending;
  }
}
