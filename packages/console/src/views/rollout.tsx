/**
 * Rollout: the page a team watches before switching from monitor to enforce. The report's buckets as a
 * chart (and as a table for keyboard and screen-reader users), the totals, and the would-block list.
 */
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api/errors.js';
import type { RolloutReport } from '../api/report-types.js';
import { ErrorNotice } from '../components/notice.js';
import { ROLLOUT_DEFAULT_WINDOW_HOURS, ROLLOUT_WINDOWS_HOURS } from '../constants.js';
import { localTime, text } from '../format.js';
import type { ViewProps } from './props.js';
import { RolloutChart } from './rollout-chart.js';
import { bucketFor, windowLabel, windowSince } from './window.js';

export function RolloutView({ api }: ViewProps) {
  const [hours, setHours] = useState(ROLLOUT_DEFAULT_WINDOW_HOURS);
  const [report, setReport] = useState<RolloutReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    api.rolloutReport({ since: windowSince(hours, Date.now()), bucket: bucketFor(hours), top: 20 }).then(
      (loaded) => {
        if (!live) return;
        setReport(loaded);
        setError(null);
      },
      (caught) => live && setError(describeError(caught)),
    );
    return () => {
      live = false;
    };
  }, [api, hours, reload]);

  return (
    <section aria-labelledby="rollout-title">
      <h2 id="rollout-title">Rollout</h2>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <label for="rollout-window">Window: the last</label>
        <select
          id="rollout-window"
          value={String(hours)}
          onChange={(event) => setHours(Number((event.target as HTMLSelectElement).value))}
        >
          {ROLLOUT_WINDOWS_HOURS.map((h) => (
            <option key={h} value={String(h)}>
              {windowLabel(h)}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => setReload((n) => n + 1)}>
          Refresh
        </button>
      </form>
      <ErrorNotice message={error} />
      {report ? <Report report={report} /> : null}
    </section>
  );
}

function Report({ report }: { report: RolloutReport }) {
  const { totals } = report;
  return (
    <>
      <p class="summary rollout-summary">
        {totals.observed_would_block} of {totals.observed} monitor/warn decisions would be blocked by enforce
        ({totals.decisions} decisions in all, {totals.would_block} of them blocked or would be).
      </p>
      <RolloutChart buckets={report.buckets} />
      <details>
        <summary>Chart data as a table</summary>
        <table class="rows buckets">
          <caption>Decisions per {report.window.bucket}</caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">Decisions</th>
              <th scope="col">Enforce would block</th>
            </tr>
          </thead>
          <tbody>
            {report.buckets.map((b) => (
              <tr key={b.start}>
                <td>{localTime(b.start)}</td>
                <td>{b.total}</td>
                <td>{b.would_block}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <details>
        <summary>Counts by tool, reason, mode and decision</summary>
        <table class="rows counts">
          <caption>Every decision of the window, grouped; most frequent first</caption>
          <thead>
            <tr>
              <th scope="col">Tool</th>
              <th scope="col">Reason</th>
              <th scope="col">Mode</th>
              <th scope="col">Answered</th>
              <th scope="col">Enforce would</th>
              <th scope="col">Count</th>
            </tr>
          </thead>
          <tbody>
            {report.counts.map((row) => (
              <tr key={`${row.tool}|${row.reason_code}|${row.mode}|${row.decision}|${row.enforce_decision}`}>
                <td>{text(row.tool)}</td>
                <td>{text(row.reason_code)}</td>
                <td>{text(row.mode)}</td>
                <td>{text(row.decision)}</td>
                <td>
                  <span class={`pill ${row.enforce_decision}`}>{text(row.enforce_decision)}</span>
                </td>
                <td class="count">{row.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <h3 id="would-block-title">What enforce would block</h3>
      {report.top_would_block.length === 0 ? (
        <p class="empty">Nothing: enforce would answer as today.</p>
      ) : (
        <table class="rows would-block" aria-labelledby="would-block-title">
          <thead>
            <tr>
              <th scope="col">Tool</th>
              <th scope="col">Resource</th>
              <th scope="col">Reason</th>
              <th scope="col">Enforce would</th>
              <th scope="col">Count</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {report.top_would_block.map((row) => (
              <tr key={`${row.tool}|${row.resource}|${row.reason_code}|${row.enforce_decision}`}>
                <td>{text(row.tool)}</td>
                <td>{text(row.resource)}</td>
                <td>{text(row.reason_code)}</td>
                <td>
                  <span class={`pill ${row.enforce_decision}`}>{text(row.enforce_decision)}</span>
                </td>
                <td class="count">{row.count}</td>
                <td>{localTime(row.last_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
