/**
 * `actpass passports revoke JTI`: an admin withdraws a delegation; every later preflight presenting
 * it is denied `passport.revoked`, and the ledger records which key revoked it.
 */

import type { Output } from '@actpass/edge/cli';
import { clean, EXIT_OK, type FlagSpec, parseCommandArgs, safeJson, UsageError } from '@actpass/edge/cli';
import { withRemote } from './remote.js';

const SOURCE: FlagSpec = { dir: { type: 'string' }, tenant: { type: 'string' }, json: { type: 'boolean' } };
const DEFAULT_REASON = 'revoked by an admin';

export async function passportsRevoke(argv: string[], io: Output): Promise<number> {
  const command = 'passports revoke';
  const { positionals, flags } = parseCommandArgs(
    command,
    argv,
    { ...SOURCE, reason: { type: 'string' } },
    1,
  );
  const jti = positionals[0];
  if (!jti || !/^ap_[A-Za-z0-9_-]{1,64}$/.test(jti)) {
    throw new UsageError(`${command}: give the passport's jti (ap_…), not "${clean(jti ?? '')}".`);
  }
  const reason = typeof flags.reason === 'string' ? flags.reason : DEFAULT_REASON;
  const revoked = await withRemote(command, flags, 'admin', (client) => client.revokePassport(jti, reason));
  if (flags.json) io.out(safeJson(revoked));
  else io.out(`${clean(revoked.jti)}: revoked (${clean(revoked.reason)}) at ${clean(revoked.revoked_at)}`);
  return EXIT_OK;
}
