/**
 * Approvals inbox: the pending requests (count, oldest or newest first) with approve/deny, and the
 * history of decided ones. When the gateway stops answering, what is shown is marked stale and no
 * decision can be sent. After a decision, focus stays in the list (on the next request).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { describeError, isUnreachable } from '../api/errors.js';
import type { HeldRequest } from '../api/types.js';
import { usePolling } from '../components/hooks.js';
import { ErrorNotice, InfoNotice } from '../components/notice.js';
import { APPROVALS_HISTORY_LIMIT, APPROVALS_LIST_LIMIT, APPROVALS_POLL_MS } from '../constants.js';
import { ApprovalCard, cardTitleId } from './approval-card.js';
import { ApprovalHistory, decidedNewestFirst } from './approval-history.js';
import type { ViewProps } from './props.js';

type Order = 'oldest' | 'newest';

function sorted(items: readonly HeldRequest[], order: Order): HeldRequest[] {
  const sign = order === 'oldest' ? 1 : -1;
  return [...items].sort((a, b) => sign * (Date.parse(a.created_at) - Date.parse(b.created_at)));
}

export function ApprovalsView({ api, roles }: ViewProps) {
  const [items, setItems] = useState<HeldRequest[] | null>(null);
  const [history, setHistory] = useState<HeldRequest[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [staleSince, setStaleSince] = useState<number | null>(null);
  const [loadedAt, setLoadedAt] = useState<number | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [order, setOrder] = useState<Order>('oldest');
  const [refresh, setRefresh] = useState(0);
  // After a decision: the request to move focus to once the list is refreshed (null: the list itself).
  const focusNext = useRef<string | null | undefined>(undefined);
  const listRef = useRef<HTMLUListElement>(null);

  usePolling(
    async () => {
      try {
        const [pending, recent] = await Promise.all([
          api.listApprovals('pending', APPROVALS_LIST_LIMIT),
          api.listApprovals(undefined, APPROVALS_HISTORY_LIMIT),
        ]);
        setItems(pending.items as HeldRequest[]);
        setHistory(decidedNewestFirst(recent.items as HeldRequest[]));
        setError(null);
        setStaleSince(null);
        setLoadedAt(Date.now());
      } catch (caught) {
        setError(describeError(caught));
        if (isUnreachable(caught)) setStaleSince((since) => since ?? Date.now());
      }
    },
    APPROVALS_POLL_MS,
    [api, refresh],
  );

  const shown = useMemo(() => (items ? sorted(items, order) : null), [items, order]);

  useEffect(() => {
    if (focusNext.current === undefined || shown === null) return;
    const target = focusNext.current ? document.getElementById(cardTitleId(focusNext.current)) : null;
    (target ?? listRef.current)?.focus();
    focusNext.current = undefined;
  }, [shown]);

  /** The request after `id` in the list as shown (or before it, when it was the last). */
  const neighbour = (id: string): string | null => {
    const list = shown ?? [];
    const at = list.findIndex((item) => item.id === id);
    return list[at + 1]?.id ?? list[at - 1]?.id ?? null;
  };
  const decided = (id: string, message: string) => {
    focusNext.current = neighbour(id);
    setOutcome(message);
    setConflict(null);
    setRefresh((n) => n + 1);
  };
  // The card leaves the inbox on the next refresh, so the conflict is said at the top of the list.
  const conflicted = (id: string, message: string) => {
    focusNext.current = neighbour(id);
    setConflict(message);
    setOutcome(null);
    setRefresh((n) => n + 1);
  };

  const offline = staleSince !== null;
  const count = items?.length ?? 0;
  return (
    <section aria-labelledby="approvals-title">
      <h2 id="approvals-title">Approvals</h2>
      {offline ? (
        <p class="notice error stale" role="alert" data-stale="true">
          The gateway is not answering (since {new Date(staleSince).toLocaleTimeString()}). What you see was
          loaded {loadedAt ? `at ${new Date(loadedAt).toLocaleTimeString()}` : 'never'} and may be out of
          date; approving and denying are off until it answers again.
        </p>
      ) : null}
      <ErrorNotice message={error} />
      <ErrorNotice message={conflict} />
      {outcome ? <InfoNotice>{outcome}</InfoNotice> : null}
      <div class="row">
        <p class="pending-count" aria-live="polite">
          {items === null
            ? 'Loading…'
            : `${count} pending${count === APPROVALS_LIST_LIMIT ? ' (at least)' : ''}`}
        </p>
        <label for="approvals-order">Order</label>
        <select
          id="approvals-order"
          value={order}
          onChange={(event) => setOrder((event.target as HTMLSelectElement).value as Order)}
        >
          <option value="oldest">oldest first</option>
          <option value="newest">newest first</option>
        </select>
      </div>
      {items?.length === 0 ? <p class="empty">No pending requests.</p> : null}
      <ul
        class={`cards${offline ? ' stale' : ''}`}
        aria-label="Pending approval requests"
        ref={listRef}
        tabIndex={-1}
      >
        {shown?.map((item) => (
          <ApprovalCard
            key={item.id}
            api={api}
            item={item}
            offline={offline}
            isAdmin={roles.includes('admin')}
            onDecided={decided}
            onConflict={conflicted}
          />
        ))}
      </ul>
      <ApprovalHistory items={history} />
    </section>
  );
}
