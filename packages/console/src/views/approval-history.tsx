/** Decided requests, newest decision first: what was asked, the verdict, who decided, when, and the note. */
import type { HeldRequest } from '../api/types.js';
import { formatAmount, localTime, prose, text } from '../format.js';
import { statusWords } from './approval-conflict.js';

/** When it was settled: the decision time, or for an expired request its expiry. */
function settledAt(item: HeldRequest): string {
  return item.decided_at ?? item.expires_at;
}

export function decidedNewestFirst(items: readonly HeldRequest[]): HeldRequest[] {
  return items
    .filter((item) => item.status !== 'pending')
    .sort((a, b) => Date.parse(settledAt(b)) - Date.parse(settledAt(a)));
}

export function ApprovalHistory({ items }: { items: readonly HeldRequest[] | null }) {
  return (
    <section class="history" aria-labelledby="history-title">
      <h3 id="history-title">Decided requests</h3>
      {items === null ? <p>Loading…</p> : null}
      {items?.length === 0 ? <p class="empty">Nothing decided yet.</p> : null}
      {items && items.length > 0 ? (
        <table class="rows history-rows">
          <caption class="visually-hidden">Decided approval requests, newest decision first</caption>
          <thead>
            <tr>
              <th scope="col">Request</th>
              <th scope="col">Action</th>
              <th scope="col">Outcome</th>
              <th scope="col">Decided by</th>
              <th scope="col">When</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const amount = formatAmount(item.action.args);
              return (
                <tr key={item.id} data-approval-id={item.id}>
                  <td>
                    <code>{text(item.id)}</code>
                  </td>
                  <td>
                    {text(item.action.tool)} · agent {text(item.action.agent_id)}
                    {amount ? ` · ${amount.formatted ?? amount.raw}` : ''}
                    <br />
                    <span class="muted">
                      {text(item.summary ?? item.reason_code)} ({text(item.reason_code)})
                    </span>
                  </td>
                  <td>
                    <span class={`pill ${item.status}`}>{statusWords(item.status)}</span>
                  </td>
                  <td class="decided-by">
                    {item.decided_by ? text(item.decided_by) : item.status === 'expired' ? 'nobody' : '—'}
                  </td>
                  <td>{localTime(settledAt(item))}</td>
                  <td class="note">{prose(item.note)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
