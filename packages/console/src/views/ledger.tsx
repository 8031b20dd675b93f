/** Ledger: chain status (re-verified on demand), head hash, and the signed export as a download. */
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api/errors.js';
import type { ChainVerification } from '../api/types.js';
import { ErrorNotice, InfoNotice } from '../components/notice.js';
import { exportFileName, text } from '../format.js';
import type { ViewProps } from './props.js';

export function LedgerView({ api }: ViewProps) {
  const [status, setStatus] = useState<ChainVerification | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  const verify = async () => {
    setBusy(true);
    try {
      setStatus(await api.verifyEvidence());
      setError(null);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    void verify();
  }, [api]);

  const download = async () => {
    setBusy(true);
    try {
      const exported = await api.exportEvidence();
      const blob = new Blob([JSON.stringify(exported, null, 2)], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = exportFileName(exported.tenant_id, exported.head.seq);
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 0);
      setSaved(
        `Saved ${link.download}: ${exported.events.length} events, signed with key ${exported.signature.kid}. ` +
          'Verify it offline with `actpass ledger verify FILE --jwks jwks.json` (keys at /.well-known/jwks.json).',
      );
      setError(null);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="ledger-title">
      <h2 id="ledger-title">Ledger</h2>
      <ErrorNotice message={error} />
      {status ? (
        <dl class="facts chain">
          <dt>Chain</dt>
          <dd class={status.ok ? 'ok' : 'bad'} data-chain-ok={String(status.ok)}>
            {status.ok ? 'intact' : `BROKEN at seq ${text(status.first_broken_seq)}: ${text(status.reason)}`}
          </dd>
          <dt>Events</dt>
          <dd>{status.count}</dd>
          <dt>Head seq</dt>
          <dd>{status.head ? status.head.seq : '—'}</dd>
          <dt>Head hash</dt>
          <dd>
            <code class="head-hash">{status.head ? status.head.hash : '—'}</code>
          </dd>
        </dl>
      ) : null}
      <div class="actions">
        <button type="button" disabled={busy} onClick={() => void verify()}>
          Verify again
        </button>
        <button type="button" disabled={busy} onClick={() => void download()}>
          Download signed export
        </button>
      </div>
      {saved ? <InfoNotice>{saved}</InfoNotice> : null}
    </section>
  );
}
