/**
 * The kill switch from where the agent is seen: suspend it (admin keys). Until resumed, every
 * preflight of that agent is denied `suspended.agent` and its held actions cannot be released.
 */
import type { ApiClient } from '../api/client.js';
import { text } from '../format.js';
import { ConfirmedAction } from './confirmed-action.js';

export function SuspendAgent({
  api,
  agentId,
  disabled = false,
}: {
  api: ApiClient;
  agentId: string;
  disabled?: boolean;
}) {
  const shown = text(agentId);
  return (
    <ConfirmedAction
      label={`Suspend agent ${shown}`}
      button="Suspend agent"
      confirm="Confirm suspend"
      reasonLabel={`Why suspend ${shown} (recorded in the ledger)`}
      idSuffix={`suspend-${agentId.replace(/[^A-Za-z0-9_-]/g, '_')}`}
      reasonRequired
      disabled={disabled}
      run={async (reason) => {
        const suspension = await api.suspend({ scope: 'agent', match: agentId, reason });
        return `Agent ${shown} suspended (${text(suspension.id)}): every preflight of it is denied until an admin resumes it.`;
      }}
    />
  );
}
