/**
 * Webhooks: the endpoints this gateway notifies (URLs shortened, secrets never sent) and the delivery
 * log, newest first, with a retry for deliveries that died. Every string goes through `text()`, as in
 * the other views: endpoint ids are an admin's, but the log is shown the same careful way.
 */
import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/client.js';
import { describeError } from '../api/errors.js';
import { usePolling } from '../components/hooks.js';
import { ErrorNotice, InfoNotice } from '../components/notice.js';
import { localTime, text } from '../format.js';
import type { ViewProps } from './props.js';

interface Webhook {
  id: string;
  url: string;
  events: string[];
  format: string;
  enabled: boolean;
  source: string;
}

interface Delivery {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  max_attempts: number;
  created_at: string;
  next_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
}

const POLL_MS = 5_000;
const DELIVERIES_SHOWN = 100;
const STATUSES = ['', 'dead', 'pending', 'delivered'] as const;

function loadAll(api: ApiClient, status: string) {
  return Promise.all([
    api.request<{ items: Webhook[] }>('GET', '/webhooks'),
    api.request<{ items: Delivery[] }>('GET', '/webhook-deliveries', { status, limit: DELIVERIES_SHOWN }),
  ]);
}

export function WebhooksView({ api }: ViewProps) {
  const [endpoints, setEndpoints] = useState<Webhook[] | null>(null);
  const [deliveries, setDeliveries] = useState<Delivery[] | null>(null);
  const [status, setStatus] = useState<string>('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  usePolling(
    async () => {
      try {
        const [hooks, log] = await loadAll(api, status);
        setEndpoints(hooks.items);
        setDeliveries(log.items);
        setError(null);
      } catch (caught) {
        setError(describeError(caught));
      }
    },
    POLL_MS,
    [api, status, reload],
  );

  const retry = async (delivery: Delivery) => {
    setBusy(delivery.id);
    setNotice(null);
    try {
      await api.request<Delivery>('POST', `/webhook-deliveries/${encodeURIComponent(delivery.id)}/retry`);
      setNotice(`Delivery ${text(delivery.id)} is queued again for ${text(delivery.webhook_id)}.`);
      setReload((n) => n + 1);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <ErrorNotice message={error} />
      {notice ? <InfoNotice>{notice}</InfoNotice> : null}
      <h3 id="endpoints-title">Endpoints</h3>
      {endpoints === null ? <p>Loading…</p> : null}
      {endpoints?.length === 0 ? (
        <p class="empty">No webhook endpoints. Add one with PUT /api/v1/webhooks/&#123;id&#125;.</p>
      ) : null}
      {endpoints && endpoints.length > 0 ? (
        <table class="rows" aria-labelledby="endpoints-title">
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">Format</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {endpoints.map((endpoint) => (
              <tr key={endpoint.id} data-webhook={endpoint.id}>
                <td>{text(endpoint.id)}</td>
                <td>
                  <code>{text(endpoint.url)}</code>
                </td>
                <td>{text(endpoint.events.join(', '))}</td>
                <td>{text(endpoint.format)}</td>
                <td>
                  {endpoint.enabled ? 'enabled' : 'disabled'} · {text(endpoint.source)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}

      <h3 id="deliveries-title">Deliveries</h3>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <label for="delivery-status">Status</label>
        <select
          id="delivery-status"
          value={status}
          onChange={(event) => setStatus((event.target as HTMLSelectElement).value)}
        >
          {STATUSES.map((value) => (
            <option key={value} value={value}>
              {value === '' ? 'any' : value}
            </option>
          ))}
        </select>
      </form>
      <p class="muted" role="status">
        {deliveries === null
          ? 'Loading…'
          : `${deliveries.length} deliveries (newest ${DELIVERIES_SHOWN} of this gateway process); refreshes every ${POLL_MS / 1000}s.`}
      </p>
      {deliveries && deliveries.length > 0 ? (
        <table class="rows" aria-labelledby="deliveries-title">
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Endpoint</th>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last answer</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((delivery) => (
              <tr key={delivery.id} data-delivery={delivery.id}>
                <td>{localTime(delivery.created_at)}</td>
                <td>{text(delivery.webhook_id)}</td>
                <td>
                  {text(delivery.event_type)} <span class="muted">{text(delivery.event_id)}</span>
                </td>
                <td>
                  <span
                    class={`pill ${delivery.status === 'dead' ? 'deny' : delivery.status === 'delivered' ? 'allow' : 'warn'}`}
                  >
                    {delivery.status}
                  </span>
                  {delivery.status === 'pending' && delivery.next_attempt_at
                    ? ` next ${localTime(delivery.next_attempt_at)}`
                    : ''}
                </td>
                <td>
                  {delivery.attempts}/{delivery.max_attempts}
                </td>
                <td>
                  {delivery.last_status === null ? '' : `HTTP ${delivery.last_status} `}
                  {text(delivery.last_error ?? (delivery.status === 'delivered' ? 'ok' : ''))}
                </td>
                <td>
                  {delivery.status === 'pending' ? null : (
                    <button
                      type="button"
                      disabled={busy !== null}
                      aria-label={`Retry delivery ${text(delivery.id)} of ${text(delivery.event_type)} to ${text(delivery.webhook_id)}`}
                      onClick={() => void retry(delivery)}
                    >
                      Retry
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
