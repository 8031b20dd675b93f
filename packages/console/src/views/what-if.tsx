/**
 * What-if: paste or upload a candidate policy and see which recorded decisions it would change
 * (POST /policy/simulate; the gateway writes nothing).
 */
import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/client.js';
import { describeError } from '../api/errors.js';
import type { PolicySimulation, SimulatedChange } from '../api/report-types.js';
import type { PolicyDocument } from '../api/types.js';
import { JsonView } from '../components/json-view.js';
import { ErrorNotice } from '../components/notice.js';
import { CANDIDATE_MAX_BYTES, ROLLOUT_DEFAULT_WINDOW_HOURS, ROLLOUT_WINDOWS_HOURS } from '../constants.js';
import { localTime, parseCandidate, prettyJson, text } from '../format.js';
import { windowLabel, windowSince } from './window.js';

const PAGE_LIMIT = 100;

export function WhatIf({ api, current }: { api: ApiClient; current: PolicyDocument | null }) {
  const [source, setSource] = useState('');
  const [hours, setHours] = useState(ROLLOUT_DEFAULT_WINDOW_HOURS);
  const [result, setResult] = useState<PolicySimulation | null>(null);
  const [changes, setChanges] = useState<SimulatedChange[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (afterSeq: number) => {
    const parsed = parseCandidate(source);
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    setBusy(true);
    try {
      const page = await api.simulatePolicy({
        policy: parsed.policy,
        since: windowSince(hours, Date.now()),
        after_seq: afterSeq,
        limit: PAGE_LIMIT,
      });
      setResult(page);
      setChanges((old) => (afterSeq === 0 ? page.changes : [...old, ...page.changes]));
      setError(null);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  const upload = async (event: Event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    if (file.size > CANDIDATE_MAX_BYTES) {
      setError(
        `${file.name} is ${file.size} bytes; a candidate policy must be under ${CANDIDATE_MAX_BYTES}.`,
      );
      return;
    }
    setSource(await file.text());
    setError(null);
  };

  return (
    <section class="what-if" aria-labelledby="what-if-title">
      <h3 id="what-if-title">What-if</h3>
      <p class="hint">
        Re-evaluate the recorded decisions under a candidate policy. Passport, approval and tool-drift
        outcomes stay as recorded; nothing is written.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void run(0);
        }}
      >
        <label for="candidate">Candidate policy (JSON)</label>
        <textarea
          id="candidate"
          rows={12}
          spellcheck={false}
          value={source}
          onInput={(event) => setSource((event.target as HTMLTextAreaElement).value)}
        />
        <div class="row">
          <label for="candidate-file">Or upload a policy file</label>
          <input id="candidate-file" type="file" accept=".json,application/json" onChange={upload} />
          <button
            type="button"
            disabled={!current}
            onClick={() => current && setSource(prettyJson(current.policy))}
          >
            Start from the current policy
          </button>
        </div>
        <div class="row">
          <label for="what-if-window">Recorded decisions from the last</label>
          <select
            id="what-if-window"
            value={String(hours)}
            onChange={(event) => setHours(Number((event.target as HTMLSelectElement).value))}
          >
            {ROLLOUT_WINDOWS_HOURS.map((h) => (
              <option key={h} value={String(h)}>
                {windowLabel(h)}
              </option>
            ))}
          </select>
          <button type="submit" disabled={busy}>
            Run what-if
          </button>
        </div>
      </form>
      <ErrorNotice message={error} />
      {result ? <SimulationResult result={result} changes={changes} /> : null}
      {result?.next_after_seq !== null && result?.next_after_seq !== undefined ? (
        <button type="button" disabled={busy} onClick={() => void run(result.next_after_seq ?? 0)}>
          Load more changes
        </button>
      ) : null}
    </section>
  );
}

function SimulationResult({ result, changes }: { result: PolicySimulation; changes: SimulatedChange[] }) {
  const { summary } = result;
  return (
    <div class="simulation" aria-live="polite">
      <p class="summary" data-changed={summary.changed}>
        {summary.changed} of {summary.decisions} recorded decisions would change under{' '}
        {text(result.candidate.id)} v{text(result.candidate.version)} ({summary.evaluated} re-evaluated,{' '}
        {summary.held} held as recorded, {summary.unchanged} unchanged).
      </p>
      {summary.transitions.length > 0 ? (
        <ul class="transitions" aria-label="Changes by answer">
          {summary.transitions.map((t) => (
            <li key={`${t.from}-${t.to}`}>
              {text(t.from)} → {text(t.to)}: {t.count}
            </li>
          ))}
        </ul>
      ) : null}
      {changes.length > 0 ? (
        <table class="rows changes">
          <caption>Changed decisions</caption>
          <thead>
            <tr>
              <th scope="col">Seq</th>
              <th scope="col">Time</th>
              <th scope="col">Tool</th>
              <th scope="col">Resource</th>
              <th scope="col">Agent</th>
              <th scope="col">Recorded</th>
              <th scope="col">Candidate</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((change) => (
              <tr key={change.event_id} data-seq={change.seq}>
                <td>#{change.seq}</td>
                <td>{localTime(change.at)}</td>
                <td>{text(change.action.tool)}</td>
                <td>{text(change.action.resource)}</td>
                <td>{text(change.action.agent_id)}</td>
                <td>
                  <span class={`pill ${change.recorded.decision}`}>{text(change.recorded.decision)}</span>{' '}
                  {text(change.recorded.reason_code)}
                </td>
                <td>
                  <span class={`pill ${change.simulated.decision}`}>{text(change.simulated.decision)}</span>{' '}
                  {text(change.simulated.reason_code)}
                </td>
                <td>
                  <details>
                    <summary>args</summary>
                    <JsonView value={change.action.args} label={`Arguments of decision ${change.seq}`} />
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
