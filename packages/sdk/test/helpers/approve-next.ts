/**
 * The approver's side of the "wait for a person" cases: approves the first approval request that
 * appears after the call, so a test can start a run that waits inside the tool and have it released.
 * The pending requests already there are read first (awaited), so the run started afterwards cannot
 * create its request before they are known.
 */
import type { ActPass } from '../../src/index.js';

export interface ApprovingNext {
  /** Settles once the new request was approved; rejects when none appeared within about 10 s. */
  readonly approved: Promise<unknown>;
}

export async function approveTheNextRequest(approver: ActPass): Promise<ApprovingNext> {
  const pending = async () => (await approver.approvals.list({ status: 'pending' })).items;
  const known = new Set((await pending()).map((request) => request.id));
  const approved = (async () => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const fresh = (await pending()).find((request) => !known.has(request.id));
      if (fresh) return approver.approvals.approve(fresh.id);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('no new approval request appeared');
  })();
  return { approved };
}
