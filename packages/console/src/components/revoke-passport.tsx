/**
 * Withdraw a delegation: revoke a passport (admin keys). Every later preflight presenting it is denied
 * `passport.revoked`, and a held action it covers cannot be released.
 */
import type { ApiClient } from '../api/client.js';
import { text } from '../format.js';
import { ConfirmedAction } from './confirmed-action.js';

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
  const shown = text(jti);
  return (
    <ConfirmedAction
      label={`Revoke passport ${shown}`}
      button="Revoke passport"
      confirm="Confirm revoke"
      reasonLabel={`Reason for revoking ${shown}`}
      idSuffix={`revoke-${jti}`}
      disabled={disabled}
      run={async (reason) => {
        const result = await api.revokePassport(jti, reason);
        onRevoked?.();
        return `Passport ${shown} revoked at ${text(result.revoked_at)}.`;
      }}
    />
  );
}
