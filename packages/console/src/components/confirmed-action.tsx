/**
 * An admin action that withdraws something (a passport, an agent's right to act): one button that
 * names its target, then a second step asking for the reason before anything is sent. What happened
 * is said in a status line; a refusal in the gateway's words.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../api/errors.js';
import { ErrorNotice } from './notice.js';

export interface ConfirmedActionProps {
  /** Accessible name of the first button and the confirmation's legend, e.g. "Revoke passport ap_1". */
  label: string;
  /** Visible text of the first button, e.g. "Revoke passport". */
  button: string;
  /** Visible text of the confirming button, e.g. "Confirm revoke". */
  confirm: string;
  /** Label of the reason field. */
  reasonLabel: string;
  /** A unique, attribute-safe suffix for the reason field's id. */
  idSuffix: string;
  reasonRequired?: boolean;
  disabled?: boolean;
  /** Sends the action; resolves to the status line to show. */
  run: (reason: string) => Promise<string>;
}

export function ConfirmedAction(props: ConfirmedActionProps) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const reasonRef = useRef<HTMLInputElement>(null);
  const reasonId = `reason-${props.idSuffix}`;

  useEffect(() => {
    if (asking) reasonRef.current?.focus();
  }, [asking]);

  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      setDone(await props.run(reason));
      setAsking(false);
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
  const missing = props.reasonRequired === true && reason.trim() === '';
  return (
    <div class="confirmed-action">
      {asking ? (
        <fieldset class="confirm">
          <legend>{props.label}</legend>
          <label for={reasonId}>{props.reasonLabel}</label>
          <input
            id={reasonId}
            ref={reasonRef}
            maxLength={512}
            required={props.reasonRequired}
            value={reason}
            onInput={(event) => setReason((event.target as HTMLInputElement).value)}
          />
          <div class="actions">
            <button
              type="button"
              class="deny"
              disabled={busy || props.disabled || missing}
              onClick={() => void go()}
            >
              {props.confirm}
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
          disabled={props.disabled}
          aria-label={props.label}
          onClick={() => setAsking(true)}
        >
          {props.button}
        </button>
      )}
      <ErrorNotice message={error} />
    </div>
  );
}
