/**
 * Approvals inbox: pending requests with their action, args, reason, delegation and time left; approve
 * or deny with a note. A 409 means someone else decided first: the console says who and what.
 */
import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/client.js';
import { ApiError, describeError } from '../api/errors.js';
import type { ApprovalRequest } from '../api/types.js';
import { useNow, usePolling } from '../components/hooks.js';
import { JsonView } from '../components/json-view.js';
import { ErrorNotice, InfoNotice } from '../components/notice.js';
import { APPROVALS_LIST_LIMIT, APPROVALS_POLL_MS, CLOCK_TICK_MS } from '../constants.js';
import { localTime, text, timeLeft } from '../format.js';

export function ApprovalsView({ api }: { api: ApiClient }) {
  const [items, setItems] = useState<ApprovalRequest[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);

  usePolling(
    async () => {
      try {
        const page = await api.listApprovals('pending', APPROVALS_LIST_LIMIT);
        setItems(page.items);
        setError(null);
      } catch (caught) {
        setError(describeError(caught));
      }
    },
    APPROVALS_POLL_MS,
    [api, refresh],
  );

  const decided = (message: string) => {
    setOutcome(message);
    setConflict(null);
    setRefresh((n) => n + 1);
  };
  // The card leaves the inbox on the next refresh, so the conflict is said at the top of the page.
  const conflicted = (message: string) => {
    setConflict(message);
    setOutcome(null);
    setRefresh((n) => n + 1);
  };

  return (
    <section aria-labelledby="approvals-title">
      <h2 id="approvals-title">Approvals</h2>
      <ErrorNotice message={error} />
      <ErrorNotice message={conflict} />
      {outcome ? <InfoNotice>{outcome}</InfoNotice> : null}
      {items === null ? <p>Loading…</p> : null}
      {items?.length === 0 ? <p class="empty">No pending requests.</p> : null}
      <ul class="cards" aria-label="Pending approval requests">
        {items?.map((item) => (
          <ApprovalCard key={item.id} api={api} item={item} onDecided={decided} onConflict={conflicted} />
        ))}
      </ul>
    </section>
  );
}

function ApprovalCard({
  api,
  item,
  onDecided,
  onConflict,
}: {
  api: ApiClient;
  item: ApprovalRequest;
  onDecided: (message: string) => void;
  onConflict: (message: string) => void;
}) {
  const now = useNow(CLOCK_TICK_MS);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const noteId = `note-${item.id}`;

  const decide = async (verdict: 'approve' | 'deny') => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.decideApproval(item.id, verdict, note);
      onDecided(`${item.id} ${result.status}.`);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409) {
        onConflict(await conflictMessage(api, item.id, caught));
      } else {
        setError(describeError(caught));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <li class="card" data-approval-id={item.id}>
      <h3>
        <span class="tool">{item.action.tool}</span> <span class="muted">{item.id}</span>
      </h3>
      <dl class="facts">
        <dt>Goal</dt>
        <dd>{text(item.action.goal)}</dd>
        <dt>Resource</dt>
        <dd>{text(item.action.resource)}</dd>
        <dt>Agent</dt>
        <dd>{text(item.action.agent_id)}</dd>
        <dt>User</dt>
        <dd>{text(item.action.user_id)}</dd>
        <dt>Reason</dt>
        <dd>
          {item.reason_code}
          {item.risk_tier ? ` (risk ${item.risk_tier})` : ''}
        </dd>
        <dt>Requested</dt>
        <dd>{localTime(item.created_at)}</dd>
        <dt>Time left</dt>
        <dd class="time-left">{timeLeft(item.expires_at, now)}</dd>
        <dt>Delegation</dt>
        <dd class="delegation">
          <Delegation item={item} />
        </dd>
      </dl>
      <JsonView value={item.action.args} label={`Arguments of ${item.id}`} />
      <label for={noteId}>Note (optional)</label>
      <textarea
        id={noteId}
        rows={2}
        maxLength={2048}
        value={note}
        onInput={(event) => setNote((event.target as HTMLTextAreaElement).value)}
      />
      <div class="actions">
        <button type="button" class="approve" disabled={busy} onClick={() => decide('approve')}>
          Approve
        </button>
        <button type="button" class="deny" disabled={busy} onClick={() => decide('deny')}>
          Deny
        </button>
      </div>
      <ErrorNotice message={error} />
    </li>
  );
}

/** The delegation the request inherited (the passport it was checked against) and that passport's status. */
function Delegation({ item }: { item: ApprovalRequest }) {
  const delegation = item.delegation;
  if (!delegation) return <>none (no passport was presented)</>;
  return (
    <>
      passport <code>{delegation.jti}</code>{' '}
      <span class={`status ${delegation.status}`} data-delegation-status={delegation.status}>
        {delegation.status}
      </span>
      {delegation.status === 'revoked' ? ' — approving will not release the action' : ''}
      <br />
      goal {text(delegation.goal)} · agent {text(delegation.agent_id)} · user {text(delegation.user_id)} ·
      expires {localTime(delegation.expires_at)}
    </>
  );
}

/** 409: someone else decided first. Read the request again to say what happened and who did it. */
async function conflictMessage(api: ApiClient, id: string, conflict: ApiError): Promise<string> {
  try {
    const now = await api.getApproval(id);
    const by = now.decided_by ? ` by ${now.decided_by}` : '';
    const at = now.decided_at ? ` at ${localTime(now.decided_at)}` : '';
    return `Someone else decided first: ${id} is already ${now.status}${by}${at}. Nothing was changed.`;
  } catch {
    return `Someone else decided first: ${conflict.message} Nothing was changed.`;
  }
}
