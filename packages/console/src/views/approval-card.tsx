/**
 * One pending request: what the agent wants (amount in its currency beside the raw value, every agent
 * string escaped), why it was held (the rule's words and its code), the delegation, the time left; then
 * approve or deny with a note. An expired request says so and cannot be decided; a high-risk approval
 * asks once more; nothing can be sent while the gateway is unreachable.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../api/client.js';
import { ApiError, describeError } from '../api/errors.js';
import type { HeldRequest } from '../api/types.js';
import { useNow } from '../components/hooks.js';
import { JsonView } from '../components/json-view.js';
import { ErrorNotice } from '../components/notice.js';
import { RevokePassport } from '../components/revoke-passport.js';
import { SuspendAgent } from '../components/suspend-agent.js';
import { CLOCK_TICK_MS, CONFIRM_RISK_TIERS } from '../constants.js';
import { formatAmount, localTime, text, timeLeft } from '../format.js';
import { conflictMessage } from './approval-conflict.js';

export type Verdict = 'approve' | 'deny';

export interface CardProps {
  api: ApiClient;
  item: HeldRequest;
  /** The gateway did not answer the last refresh: decisions are not offered on stale data. */
  offline: boolean;
  isAdmin: boolean;
  onDecided: (id: string, message: string) => void;
  onConflict: (id: string, message: string) => void;
}

/** "refund_payment for bot-1 (apr_…)": how buttons and the card are named for a screen reader. */
export function requestLabel(item: HeldRequest): string {
  const agent = item.action.agent_id ? ` for ${text(item.action.agent_id)}` : '';
  return `${text(item.action.tool)}${agent} (${text(item.id)})`;
}

export function cardTitleId(id: string): string {
  return `card-title-${id}`;
}

export function ApprovalCard({ api, item, offline, isAdmin, onDecided, onConflict }: CardProps) {
  const now = useNow(CLOCK_TICK_MS);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const left = timeLeft(item.expires_at, now);
  const expired = left === 'expired';
  const label = requestLabel(item);
  const amount = formatAmount(item.action.args);
  const highRisk = item.risk_tier !== undefined && CONFIRM_RISK_TIERS.includes(item.risk_tier);
  const noteId = `note-${item.id}`;

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);
  useEffect(() => {
    if (expired || offline) setConfirming(false);
  }, [expired, offline]);

  const decide = async (verdict: Verdict) => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.decideApproval(item.id, verdict, note);
      onDecided(item.id, `${text(item.id)} ${text(result.status)}.`);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409) {
        onConflict(item.id, await conflictMessage(api, item.id, caught));
      } else {
        setError(describeError(caught));
      }
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  const blocked = busy || expired || offline;

  return (
    <li
      class={`card${expired ? ' expired' : ''}`}
      data-approval-id={item.id}
      aria-labelledby={cardTitleId(item.id)}
    >
      <h3 id={cardTitleId(item.id)} tabIndex={-1}>
        <span class="tool">{text(item.action.tool)}</span>
        {item.action.agent_id ? <span class="agent"> for {text(item.action.agent_id)}</span> : null}{' '}
        <span class="muted">{text(item.id)}</span>
        {expired ? <span class="status expired"> expired</span> : null}
        {highRisk ? <span class={`status risk-${item.risk_tier}`}> {item.risk_tier} risk</span> : null}
      </h3>
      <dl class="facts">
        {amount ? (
          <>
            <dt>Amount</dt>
            <dd class="amount">
              {amount.formatted ? <strong class="money">{amount.formatted}</strong> : null}
              <span class="raw"> {amount.formatted ? `(raw ${amount.raw})` : amount.raw}</span>
            </dd>
          </>
        ) : null}
        <dt>Goal</dt>
        <dd>{text(item.action.goal)}</dd>
        <dt>Resource</dt>
        <dd class="resource">{text(item.action.resource)}</dd>
        <dt>Agent</dt>
        <dd>
          <span class="agent-id">{text(item.action.agent_id)}</span>
          {isAdmin && item.action.agent_id ? (
            <SuspendAgent api={api} agentId={item.action.agent_id} disabled={offline} />
          ) : null}
        </dd>
        <dt>User</dt>
        <dd>{text(item.action.user_id)}</dd>
        <dt>Why held</dt>
        <dd class="reason">
          {item.summary ? <span class="summary-text">{text(item.summary)} </span> : null}
          <code>{text(item.reason_code)}</code>
          {item.risk_tier ? ` (risk ${text(item.risk_tier)})` : ''}
        </dd>
        <dt>Requested</dt>
        <dd>{localTime(item.created_at)}</dd>
        <dt>Time left</dt>
        <dd class="time-left">{expired ? 'expired — the agent must ask again' : left}</dd>
        <dt>Delegation</dt>
        <dd class="delegation">
          <Delegation api={api} item={item} isAdmin={isAdmin} offline={offline} />
        </dd>
      </dl>
      <JsonView value={item.action.args} label={`Arguments of ${item.id}`} />
      <label for={noteId}>Note (optional)</label>
      <textarea
        id={noteId}
        rows={2}
        maxLength={2048}
        value={note}
        disabled={expired}
        onInput={(event) => setNote((event.target as HTMLTextAreaElement).value)}
      />
      <div class="actions">
        <button
          type="button"
          class="approve"
          disabled={blocked || confirming}
          aria-label={`Approve ${label}`}
          onClick={() => (highRisk ? setConfirming(true) : void decide('approve'))}
        >
          Approve
        </button>
        <button
          type="button"
          class="deny"
          disabled={blocked}
          aria-label={`Deny ${label}`}
          onClick={() => void decide('deny')}
        >
          Deny
        </button>
      </div>
      {confirming ? (
        <fieldset class="confirm">
          <legend>Confirm approval of {label}</legend>
          <p>
            This is a {text(item.risk_tier)}-risk action. Approve {text(item.action.tool)}
            {amount ? ` for ${amount.formatted ?? amount.raw}` : ''} on {text(item.action.resource)}?
          </p>
          <div class="actions">
            <button
              type="button"
              class="approve"
              ref={confirmRef}
              disabled={blocked}
              aria-label={`Yes, approve ${label}`}
              onClick={() => void decide('approve')}
            >
              Yes, approve
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </fieldset>
      ) : null}
      {expired ? (
        <p class="notice info" role="status">
          This request has expired and can no longer be approved or denied; the agent must ask again.
        </p>
      ) : null}
      <ErrorNotice message={error} />
    </li>
  );
}

/** The delegation the request inherited (the passport it was checked against) and its status now. */
function Delegation({
  api,
  item,
  isAdmin,
  offline,
}: {
  api: ApiClient;
  item: HeldRequest;
  isAdmin: boolean;
  offline: boolean;
}) {
  const delegation = item.delegation;
  if (!delegation) return <>none (no passport was presented)</>;
  return (
    <>
      passport <code>{text(delegation.jti)}</code>{' '}
      <span class={`status ${delegation.status}`} data-delegation-status={delegation.status}>
        {text(delegation.status)}
      </span>
      {delegation.status === 'revoked' ? ' — approving will not release the action' : ''}
      <br />
      goal {text(delegation.goal)} · agent {text(delegation.agent_id)} · user {text(delegation.user_id)} ·
      expires {localTime(delegation.expires_at)}
      {isAdmin && delegation.status !== 'revoked' ? (
        <RevokePassport api={api} jti={delegation.jti} disabled={offline} />
      ) : null}
    </>
  );
}
