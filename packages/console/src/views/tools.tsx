/**
 * Tools: the approved definitions with what the inspection found in each, and a review panel for a new
 * or changed definition. A definition with a high finding is held by the gateway (409
 * `tool.suspicious`); the panel shows every finding with its decoded hidden text and approves it only
 * when the admin says they read them (`acknowledge_findings`).
 */
import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api/client.js';
import { ApiError, describeError } from '../api/errors.js';
import type { ApprovedTool, EvidenceEvent, ToolDefinition, ToolFinding } from '../api/types.js';
import { JsonView } from '../components/json-view.js';
import { ErrorNotice, InfoNotice } from '../components/notice.js';
import { CANDIDATE_MAX_BYTES, DECISIONS_WINDOW_HOURS, EVIDENCE_PAGE_LIMIT } from '../constants.js';
import { localTime, text } from '../format.js';
import type { ViewProps } from './props.js';
import { FindingsTable, findingsFromConflict, severityCounts } from './tool-findings.js';

export function ToolsView({ api }: ViewProps) {
  const [tools, setTools] = useState<ApprovedTool[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    api.listTools().then(
      (page) => {
        if (!live) return;
        setTools(page.items);
        setError(null);
      },
      (caught) => live && setError(describeError(caught)),
    );
    return () => {
      live = false;
    };
  }, [api, reload]);

  return (
    <section aria-labelledby="tools-title">
      <h2 id="tools-title">Tools</h2>
      <ErrorNotice message={error} />
      <HeldRecently api={api} reload={reload} />
      <ReviewDefinition api={api} onApproved={() => setReload((n) => n + 1)} />
      <h3 id="approved-tools-title">Approved definitions</h3>
      {tools === null ? <p>Loading…</p> : null}
      {tools?.length === 0 ? <p class="empty">No tool definition has been approved yet.</p> : null}
      <ul class="cards tools" aria-labelledby="approved-tools-title">
        {tools?.map((tool) => (
          <li key={tool.name} class="card" data-tool={tool.name}>
            <h4>
              <span class="tool">{text(tool.name)}</span>{' '}
              <span class="muted">findings: {severityCounts(tool.findings ?? [])}</span>
              {tool.findings_acknowledged ? (
                <span class="status revoked"> approved over high findings</span>
              ) : null}
            </h4>
            <p class="muted">
              approved {localTime(tool.approved_at)} · hash <code>{text(tool.hash)}</code>
            </p>
            <FindingsTable
              findings={tool.findings ?? []}
              caption={`What the inspection found in ${text(tool.name)}`}
            />
            <details>
              <summary>Definition of {text(tool.name)}</summary>
              <JsonView value={tool.definition} label={`Definition of ${tool.name}`} />
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}

interface HeldTool {
  tool: string;
  reason: string;
  count: number;
  lastAt: string;
}

/** Tools preflights were held on (`require_tool_reapproval`) in the last day, most recent first. */
export function heldTools(events: readonly EvidenceEvent[]): HeldTool[] {
  const byKey = new Map<string, HeldTool>();
  for (const event of events) {
    const data = event.data as { action?: { tool?: unknown }; reason_code?: unknown };
    const tool = typeof data.action?.tool === 'string' ? data.action.tool : '?';
    const reason = typeof data.reason_code === 'string' ? data.reason_code : '?';
    const key = `${tool}\u0000${reason}`;
    const seen = byKey.get(key);
    if (seen) {
      seen.count += 1;
      if (event.at > seen.lastAt) seen.lastAt = event.at;
    } else byKey.set(key, { tool, reason, count: 1, lastAt: event.at });
  }
  return [...byKey.values()].sort((a, b) => b.lastAt.localeCompare(a.lastAt));
}

function HeldRecently({ api, reload }: { api: ApiClient; reload: number }) {
  const [held, setHeld] = useState<HeldTool[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api
      .listEvidence({
        type: 'decision',
        decision: 'require_tool_reapproval',
        since: new Date(Date.now() - DECISIONS_WINDOW_HOURS * 3600_000).toISOString(),
        limit: EVIDENCE_PAGE_LIMIT,
      })
      .then(
        (page) => live && setHeld(heldTools(page.events)),
        (caught) => live && setError(describeError(caught)),
      );
    return () => {
      live = false;
    };
  }, [api, reload]);
  return (
    <section class="held-recently" aria-labelledby="held-recently-title">
      <h3 id="held-recently-title">Held in the last {DECISIONS_WINDOW_HOURS} hours</h3>
      <ErrorNotice message={error} />
      {held?.length === 0 ? <p class="empty">No tool was held.</p> : null}
      {held && held.length > 0 ? (
        <table class="rows held-tools">
          <caption class="visually-hidden">Tools held for review, most recent first</caption>
          <thead>
            <tr>
              <th scope="col">Tool</th>
              <th scope="col">Why</th>
              <th scope="col">Calls held</th>
              <th scope="col">Last</th>
            </tr>
          </thead>
          <tbody>
            {held.map((row) => (
              <tr key={`${row.tool}|${row.reason}`}>
                <td>
                  <code>{text(row.tool)}</code>
                </td>
                <td>
                  <code>{text(row.reason)}</code>
                </td>
                <td class="count">{row.count}</td>
                <td>{localTime(row.lastAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <p class="hint">Paste the definition of a held tool below to see its findings and decide.</p>
    </section>
  );
}

/** A pasted definition as the gateway expects it, or a message naming what is wrong. */
export function parseDefinition(source: string): { definition: ToolDefinition } | { error: string } {
  if (source.length > CANDIDATE_MAX_BYTES) return { error: 'The definition is over 1 MiB; paste one tool.' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (caught) {
    return { error: `The definition is not JSON: ${text((caught as Error).message)}.` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { error: 'Paste one tool definition: a JSON object with name, description and input_schema.' };
  }
  const object = parsed as Record<string, unknown>;
  // MCP listings name the schema inputSchema; the gateway's field is input_schema.
  const { inputSchema, outputSchema, acknowledge_findings: _ignored, ...rest } = object;
  const definition = {
    ...rest,
    ...(inputSchema !== undefined && rest.input_schema === undefined ? { input_schema: inputSchema } : {}),
    ...(outputSchema !== undefined && rest.output_schema === undefined
      ? { output_schema: outputSchema }
      : {}),
  } as Record<string, unknown>;
  if (typeof definition.name !== 'string' || definition.name === '') {
    return { error: 'The definition needs a "name" (the tool name to approve).' };
  }
  return { definition: definition as unknown as ToolDefinition };
}

function ReviewDefinition({ api, onApproved }: { api: ApiClient; onApproved: () => void }) {
  const [source, setSource] = useState('');
  const [held, setHeld] = useState<{
    definition: ToolDefinition;
    findings: ToolFinding[];
    message: string;
  } | null>(null);
  const [read, setRead] = useState(false);
  const [approved, setApproved] = useState<ApprovedTool | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (acknowledge: boolean) => {
    const parsed = acknowledge && held ? { definition: held.definition } : parseDefinition(source);
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    setBusy(true);
    setError(null);
    setApproved(null);
    try {
      const result = await api.approveTool(parsed.definition, acknowledge);
      setApproved(result);
      setHeld(null);
      setRead(false);
      onApproved();
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409 && caught.code === 'tool.suspicious') {
        setHeld({
          definition: parsed.definition,
          findings: findingsFromConflict(caught),
          message: caught.message,
        });
        setRead(false);
      } else {
        setError(describeError(caught));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="review" aria-labelledby="review-title">
      <h3 id="review-title">Review and approve a definition</h3>
      <p class="hint">
        Paste a tool definition (from the proxy's held-tool message, <code>actpass tools check</code> or an
        MCP listing). The gateway inspects it: a clean one is approved; one with a high finding is held and
        its findings are shown here before anything is approved.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit(false);
        }}
      >
        <label for="tool-definition">Tool definition (JSON)</label>
        <textarea
          id="tool-definition"
          rows={8}
          spellcheck={false}
          value={source}
          onInput={(event) => {
            setSource((event.target as HTMLTextAreaElement).value);
            setHeld(null);
          }}
        />
        <button type="submit" disabled={busy}>
          Inspect and approve
        </button>
      </form>
      <ErrorNotice message={error} />
      {held ? (
        <section class="held" aria-labelledby="held-title">
          <h4 id="held-title">Held: {text(held.definition.name)} has findings that need a person</h4>
          <p class="notice error" role="alert">
            {text(held.message)}
          </p>
          <FindingsTable findings={held.findings} caption={`Findings in ${text(held.definition.name)}`} />
          <details open>
            <summary>The definition as submitted (invisible characters escaped)</summary>
            <JsonView value={held.definition} label={`Held definition of ${held.definition.name}`} />
          </details>
          <label class="check">
            <input
              type="checkbox"
              checked={read}
              onChange={(event) => setRead((event.target as HTMLInputElement).checked)}
            />{' '}
            I have read every finding, including the decoded hidden text, and still want this tool
          </label>
          <button type="button" class="deny" disabled={!read || busy} onClick={() => void submit(true)}>
            Approve with findings
          </button>
        </section>
      ) : null}
      {approved ? (
        <InfoNotice>
          Approved {text(approved.name)} (hash {text(approved.hash.slice(0, 12))}…)
          {approved.findings_acknowledged ? ' over its high findings; the ledger records them.' : '.'}{' '}
          Findings: {severityCounts(approved.findings ?? [])}.
        </InfoNotice>
      ) : null}
    </section>
  );
}
