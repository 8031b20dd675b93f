/** One peer policy engine compared with ours on the same decisions. */

export interface PeerComparison {
  peer: string;
  version: string;
  /** requests in the agreement check */
  requests: number;
  /** requests where the peer's (decision, reason) differed from ours */
  mismatches: number;
  /** up to three of them, for the report */
  examples: string[];
  /** decisions per CPU-second over the same request set, one sample per round */
  ours: number[];
  theirs: number[];
  /** how the peer was driven, for the report */
  how: string;
  /** child processes it took (a crashed child is retried); absent or 1 when the first one finished */
  attempts?: number;
}

export interface PeersResult {
  cedar: PeerComparison | { skipped: string };
  cedarPerCall: PeerComparison | { skipped: string };
  agt: PeerComparison | { skipped: string };
}
