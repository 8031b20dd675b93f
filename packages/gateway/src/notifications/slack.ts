/**
 * A Slack incoming-webhook message for an event: a plain `text` fallback (notifications, screen
 * readers) and blocks with the action summary and a link to the request in the console.
 *
 * Everything an agent chose (tool, resource, goal, ids, args) is untrusted: control and bidi characters
 * become visible escapes, Slack's three control characters `&`, `<`, `>` become entities (so no `<!channel>`
 * ping and no `<https://evil|Approve>` link can be smuggled in), and in mrkdwn the value sits in a code
 * span, whose backticks are replaced, so `*`, `_` and `~` cannot restyle the message.
 */
import { escapeUnsafe } from '@actpass/edge';
import { SLACK_FIELD_MAX_CHARS } from './constants.js';
import type { WebhookEvent } from './event.js';

const HEADLINES: Record<WebhookEvent['type'], string> = {
  'approval.requested': 'Approval requested',
  'approval.approved': 'Approved',
  'approval.denied': 'Denied',
  'approval.expired': 'Approval expired',
  'decision.blocked': 'Action blocked',
};

/** Agent text made safe for Slack's plain `text` and for mrkdwn entity handling. */
export function slackText(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  const cut =
    [...text].length > SLACK_FIELD_MAX_CHARS
      ? `${[...text].slice(0, SLACK_FIELD_MAX_CHARS).join('')}…`
      : text;
  return escapeUnsafe(cut).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Agent text as an inert mrkdwn code span. */
export function slackCode(value: unknown): string {
  return `\`${slackText(value).replace(/`/g, 'ˋ')}\``;
}

export function slackMessage(event: WebhookEvent): { text: string; blocks: unknown[] } {
  const headline = HEADLINES[event.type];
  const approval = event.data.approval;
  const decision = event.data.decision;
  const action = approval?.action ?? decision?.action;
  const reason = approval?.reason_code ?? decision?.reason_code ?? '';
  const lines: string[] = [];
  if (action) {
    lines.push(`*Tool:* ${slackCode(action.tool)}`);
    if (action.resource !== null) lines.push(`*Resource:* ${slackCode(action.resource)}`);
    lines.push(`*Agent:* ${slackCode(action.agent_id ?? '-')}   *User:* ${slackCode(action.user_id ?? '-')}`);
    lines.push(`*Goal:* ${slackCode(action.goal)}`);
    lines.push(`*Args:* ${slackCode(action.args)}`);
  }
  lines.push(`*Reason:* ${slackCode(reason)}`);
  const tier = approval?.risk_tier ?? decision?.risk_tier;
  if (tier) lines.push(`*Risk:* ${slackCode(tier)}`);
  if (approval?.decided_by) lines.push(`*Decided by:* ${slackCode(approval.decided_by)}`);
  if (approval?.note) lines.push(`*Note:* ${slackCode(approval.note)}`);
  if (approval?.status === 'pending') lines.push(`*Expires:* ${slackCode(approval.expires_at)}`);

  const subject = approval ? ` ${slackText(approval.id)}` : '';
  const summary = `${headline}${subject}: ${slackText(action?.tool ?? '')} by ${slackText(action?.agent_id ?? 'an agent')} (${slackText(reason)})`;
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: `${headline} · ActPass`, emoji: false } },
    { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } },
  ];
  const link = event.data.console_url;
  if (link) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: {
            type: 'plain_text',
            text: approval ? 'Open in the console' : 'Open decisions',
            emoji: false,
          },
          url: link,
        },
      ],
    });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `${slackText(event.tenant_id)} · ${slackText(event.id)}` }],
  });
  return { text: summary, blocks };
}
