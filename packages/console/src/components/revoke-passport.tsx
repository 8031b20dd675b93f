/**
 * Withdraw a delegation: revoke a passport (admin keys), after a second click that names it. Every later
 * preflight presenting it is denied `passport.revoked`, and a held action it covers cannot be released.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../api/client.js';
import { describeError } from '../api/errors.js';
import { text } from '../format.js';
import { ErrorNotice } from './notice.js';

export function RevokePassport({
  api,
  jti,
  disabled = false,
  onRevoked,
}: {
  api: ApiClient;
  jti: string;
  disabled?: boolean;
  onRevoked?: () => void;
}) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const reasonRef = useRef<HTMLInputElement>(null);
  const shown = text(jti);
  const reasonId = `revoke-reason-${jti}`;

  useEffect(() => {
    if (asking) reasonRef.current?.focus();
  }, [asking]);

  const revoke = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.revokePassport(jti, reason);
      setDone(`Passport ${shown} revoked at ${text(result.revoked_at)}.`);
      setAsking(false);
      onRevoked?.();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <p class="notice info" role="status">
        {done}
      </p>
    );
  }
  return (
    <div class="revoke">
      {asking ? (
        <fieldset class="confirm">
          <legend>Revoke passport {shown}</legend>
          <label for={reasonId}>Reason for revoking {shown}</label>
          <input
            id={reasonId}
            ref={reasonRef}
            maxLength={512}
            value={reason}
            onInput={(event) => setReason((event.target as HTMLInputElement).value)}
          />
          <div class="actions">
            <button type="button" class="deny" disabled={busy || disabled} onClick={() => void revoke()}>
              Confirm revoke
            </button>
            <button type="button" class="secondary" onClick={() => setAsking(false)}>
              Cancel
            </button>
          </div>
        </fieldset>
      ) : (
        <button
          type="button"
          class="secondary"
          disabled={disabled}
          aria-label={`Revoke passport ${shown}`}
          onClick={() => setAsking(true)}
        >
          Revoke passport
        </button>
      )}
      <ErrorNotice message={error} />
    </div>
  );
}
