/**
 * The live decision stream: the tenant's `decision` ledger events, polled and filtered. Each row opens
 * its ledger event and its explain trace (reason, matched rules, policy, what enforce would answer).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../api/client.js';
import { describeError } from '../api/errors.js';
import type { EvidenceEvent } from '../api/types.js';
import { usePolling } from '../components/hooks.js';
import { JsonView } from '../components/json-view.js';
import { ErrorNotice } from '../components/notice.js';
import { RevokePassport } from '../components/revoke-passport.js';
import {
  DECISION_VALUES,
  DECISIONS_KEPT,
  DECISIONS_POLL_MS,
  DECISIONS_WINDOW_HOURS,
  EVIDENCE_PAGE_LIMIT,
} from '../constants.js';
import { localTime, text } from '../format.js';
import { type DecisionFilters, decisionRow, matches } from './decision-row.js';
import type { ViewProps } from './props.js';

export function DecisionsView({ api, roles }: ViewProps) {
  const [events, setEvents] = useState<EvidenceEvent[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [filters, setFilters] = useState<DecisionFilters>({ decision: '', tool: '', agent: '', mode: '' });
  const [selected, setSelected] = useState<EvidenceEvent | null>(null);
  const afterSeq = useRef(0);
  const since = useRef(new Date(Date.now() - DECISIONS_WINDOW_HOURS * 3600_000).toISOString());

  usePolling(
    async () => {
      try {
        let fresh: EvidenceEvent[] = [];
        for (;;) {
          // The gateway filters by type and window; the cursor moves even across pages it filtered empty.
          const page = await api.listEvidence({
            type: 'decision',
            since: since.current,
            after_seq: afterSeq.current,
            limit: EVIDENCE_PAGE_LIMIT,
          });
          const last = page.events[page.events.length - 1];
          if (last) afterSeq.current = last.seq;
          fresh = fresh.concat(page.events);
          if (page.next_after_seq === null) break;
          afterSeq.current = page.next_after_seq;
        }
        if (fresh.length > 0) setEvents((old) => [...fresh.reverse(), ...old].slice(0, DECISIONS_KEPT));
        setError(null);
      } catch (caught) {
        setError(describeError(caught));
      }
    },
    DECISIONS_POLL_MS,
    [api],
  );

  const shown = useMemo(() => events.filter((event) => matches(event, filters)), [events, filters]);
  const set = (name: keyof DecisionFilters) => (event: Event) =>
    setFilters({ ...filters, [name]: (event.target as HTMLInputElement | HTMLSelectElement).value });

  return (
    <section aria-labelledby="decisions-title">
      <h2 id="decisions-title">Decisions</h2>
      <form class="filters" onSubmit={(event) => event.preventDefault()} aria-label="Filter decisions">
        <label for="filter-decision">Decision</label>
        <select id="filter-decision" value={filters.decision} onChange={set('decision')}>
          <option value="">any</option>
          {DECISION_VALUES.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
        <label for="filter-mode">Mode</label>
        <select id="filter-mode" value={filters.mode} onChange={set('mode')}>
          <option value="">any</option>
          {['enforce', 'monitor', 'warn', 'strict'].map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
        <label for="filter-tool">Tool</label>
        <input id="filter-tool" type="search" value={filters.tool} onInput={set('tool')} />
        <label for="filter-agent">Agent</label>
        <input id="filter-agent" type="search" value={filters.agent} onInput={set('agent')} />
      </form>
      <ErrorNotice message={error} />
      <p class="muted" role="status">
        {shown.length} of {events.length} decisions since {localTime(since.current)} (newest {DECISIONS_KEPT}{' '}
        kept); refreshes every {DECISIONS_POLL_MS / 1000}s.
      </p>
      <div class="split">
        <table class="rows">
          <caption class="visually-hidden">Recent decisions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Seq</th>
              <th scope="col">Time</th>
              <th scope="col">Tool</th>
              <th scope="col">Decision</th>
              <th scope="col">Reason</th>
              <th scope="col">Mode</th>
              <th scope="col">Agent</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((event) => {
              const row = decisionRow(event);
              return (
                <tr key={event.id} class={selected?.id === event.id ? 'selected' : ''}>
                  <td>
                    <button type="button" class="link" onClick={() => setSelected(event)}>
                      #{event.seq}
                    </button>
                  </td>
                  <td>{localTime(event.at)}</td>
                  <td>{row.tool}</td>
                  <td>
                    <span class={`pill ${row.decision}`}>{row.decision}</span>
                    {row.would ? ` (enforce: ${row.would})` : ''}
                  </td>
                  <td>{row.reason}</td>
                  <td>{row.mode}</td>
                  <td>{row.agent}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {selected ? (
          <DecisionDetail
            api={api}
            mayRevoke={roles.includes('admin')}
            event={selected}
            onClose={() => setSelected(null)}
          />
        ) : null}
      </div>
    </section>
  );
}

function DecisionDetail({
  api,
  mayRevoke,
  event,
  onClose,
}: {
  api: ApiClient;
  mayRevoke: boolean;
  event: EvidenceEvent;
  onClose: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  // Opening a row moves focus to its detail, so keyboard and screen-reader users land on it.
  useEffect(() => heading.current?.focus(), [event.id]);
  const data = event.data as Record<string, unknown>;
  const policy = (data.policy ?? {}) as Record<string, unknown>;
  const rules = Array.isArray(data.matched_rules) ? data.matched_rules : [];
  return (
    <aside class="detail" aria-labelledby="detail-title">
      <h3 id="detail-title" ref={heading} tabIndex={-1}>
        Decision #{event.seq}
      </h3>
      <button type="button" onClick={onClose}>
        Close
      </button>
      <h4>Explain trace</h4>
      <dl class="facts">
        <dt>Decision</dt>
        <dd>{text(data.decision)}</dd>
        <dt>Reason</dt>
        <dd>{text(data.reason_code)}</dd>
        <dt>Risk</dt>
        <dd>{text(data.risk_tier)}</dd>
        <dt>Mode</dt>
        <dd>
          {text(data.mode)}
          {data.enforced === false ? ' (not enforced)' : ''}
        </dd>
        <dt>Enforce would answer</dt>
        <dd>{text(data.would_decision ?? data.decision)}</dd>
        <dt>Matched rules</dt>
        <dd>
          {rules.length === 0 ? (
            'none (policy default)'
          ) : (
            <ol>
              {rules.map((rule) => (
                <li key={String(rule)}>{text(rule)}</li>
              ))}
            </ol>
          )}
        </dd>
        <dt>Policy</dt>
        <dd>
          {text(policy.id)} v{text(policy.version)} <code>{text(policy.hash)}</code>
        </dd>
        <dt>Approval</dt>
        <dd>{text(data.approval_request_id)}</dd>
        <dt>Passport</dt>
        <dd>
          {text(data.passport_jti)}
          {mayRevoke && typeof data.passport_jti === 'string' ? (
            <RevokePassport key={data.passport_jti} api={api} jti={data.passport_jti} />
          ) : null}
        </dd>
        <dt>Action hash</dt>
        <dd>
          <code>{text(data.action_hash)}</code>
        </dd>
      </dl>
      <h4>Ledger event</h4>
      <dl class="facts">
        <dt>Event</dt>
        <dd>{text(event.id)}</dd>
        <dt>Hash</dt>
        <dd>
          <code>{text(event.hash)}</code>
        </dd>
        <dt>Previous</dt>
        <dd>
          <code>{text(event.prev_hash)}</code>
        </dd>
      </dl>
      <JsonView value={event} label={`Ledger event ${event.seq}`} />
    </aside>
  );
}
