/** One optional peer comparison (`--peers`) by name: Cedar (wasm) two ways, or the Agent Governance Toolkit. */
import { compareAgt } from './agt.js';
import { compareCedar } from './cedar.js';
import { loadRefundsPolicy, refundRequests } from './refunds.js';
import type { PeerComparison } from './types.js';

export const PEERS = ['cedar', 'cedarPerCall', 'agt'] as const;
export type PeerName = (typeof PEERS)[number];

export async function measurePeer(
  name: PeerName,
  rounds: number,
): Promise<PeerComparison | { skipped: string }> {
  const policy = loadRefundsPolicy();
  const requests = refundRequests();
  try {
    if (name === 'agt') return await compareAgt(policy, requests, rounds);
    return await compareCedar(policy, requests, rounds, name === 'cedar' ? 'preparsed' : 'per-call');
  } catch (error) {
    return { skipped: (error as Error).message.split('\n')[0] ?? 'failed' };
  }
}
