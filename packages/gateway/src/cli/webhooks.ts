/**
 * `actpass webhooks list|deliveries|retry`: webhook endpoints and their delivery log from a terminal,
 * through the admin API of a served gateway. Webhooks live in the serving process, so these commands
 * need a served gateway (`--dir` opens a stopped one, which has sent nothing).
 */

import type { Output } from '@actpass/edge/cli';
import {
  clean,
  EXIT_OK,
  type FlagSpec,
  parseCommandArgs,
  safeJson,
  table,
  UsageError,
} from '@actpass/edge/cli';
import { withRemote } from './remote.js';
import { countFlag } from './time.js';

const SOURCE: FlagSpec = { json: { type: 'boolean' } };
const STATUSES: readonly string[] = ['pending', 'delivered', 'dead'];

export async function webhooksList(argv: string[], io: Output): Promise<number> {
  const command = 'webhooks list';
  const { flags } = parseCommandArgs(command, argv, SOURCE, 0);
  const { items } = await withRemote(command, flags, 'admin', (client) => client.webhooks.list());
  if (flags.json) {
    io.out(safeJson({ items }));
    return EXIT_OK;
  }
  if (items.length === 0) {
    io.out('No webhook endpoints. Add one with PUT /api/v1/webhooks/{id} (see docs/notifications.md).');
    return EXIT_OK;
  }
  const rows = items.map((item) => [
    item.id,
    item.enabled ? 'enabled' : 'disabled',
    item.format,
    item.source,
    item.url,
    item.events.join(','),
  ]);
  for (const line of table(['ID', 'STATE', 'FORMAT', 'SOURCE', 'URL', 'EVENTS'], rows)) io.out(line);
  return EXIT_OK;
}

export async function webhooksDeliveries(argv: string[], io: Output): Promise<number> {
  const command = 'webhooks deliveries';
  const { flags } = parseCommandArgs(
    command,
    argv,
    { ...SOURCE, status: { type: 'string' }, webhook: { type: 'string' }, limit: { type: 'string' } },
    0,
  );
  const status = flags.status as string | undefined;
  if (status !== undefined && !STATUSES.includes(status)) {
    throw new UsageError(
      `${command}: --status must be one of ${STATUSES.join(', ')}, not "${clean(status)}".`,
    );
  }
  const limit = countFlag(command, 'limit', flags.limit, 100);
  if (limit > 500) throw new UsageError(`${command}: --limit must be at most 500, not ${limit}.`);
  const { items } = await withRemote(command, flags, 'admin', (client) =>
    client.webhooks.deliveries({
      ...(status ? { status: status as 'pending' | 'delivered' | 'dead' } : {}),
      ...(typeof flags.webhook === 'string' ? { webhook_id: flags.webhook } : {}),
      limit,
    }),
  );
  if (flags.json) {
    io.out(safeJson({ items }));
    return EXIT_OK;
  }
  if (items.length === 0) {
    io.out(`No ${status ?? ''} webhook deliveries.`.replace('  ', ' '));
    return EXIT_OK;
  }
  const rows = items.map((item) => [
    item.id,
    item.webhook_id,
    item.event_type,
    item.status,
    `${item.attempts}/${item.max_attempts}`,
    item.last_status ?? '-',
    item.status === 'pending' ? `next ${item.next_attempt_at ?? '-'}` : (item.last_error ?? '-'),
  ]);
  for (const line of table(['ID', 'WEBHOOK', 'EVENT', 'STATUS', 'TRIES', 'HTTP', 'LAST ERROR / NEXT'], rows))
    io.out(line);
  return EXIT_OK;
}

export async function webhooksRetry(argv: string[], io: Output): Promise<number> {
  const command = 'webhooks retry';
  const { positionals, flags } = parseCommandArgs(command, argv, SOURCE, 1);
  const id = positionals[0];
  if (!id)
    throw new UsageError(`${command}: give the delivery id (whd_…); see \`actpass webhooks deliveries\`.`);
  const delivery = await withRemote(command, flags, 'admin', (client) => client.webhooks.retry(id));
  if (flags.json) io.out(safeJson(delivery));
  else
    io.out(
      `${clean(delivery.id)}: queued again for ${clean(delivery.webhook_id)} (${clean(delivery.event_type)})`,
    );
  return EXIT_OK;
}
