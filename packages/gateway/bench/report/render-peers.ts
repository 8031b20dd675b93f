/** The peer comparisons' part of the generated section (pure). */
import { table } from './markdown.js';
import { AGT_DOCUMENT, CEDAR_POLICIES } from './peers/refunds.js';
import type { PeerComparison, PeersResult } from './peers/types.js';
import { isSkipped, type Outcome } from './results.js';
import { fmt, fmtRatio, fmtSpread, ratios, spread } from './stats.js';

function peerRow(name: string, outcome: PeerComparison | { skipped: string }): string[] {
  if (isSkipped(outcome)) return [name, `skipped: ${outcome.skipped}`, '—', '—', '—', '—'];
  return [
    `${outcome.version}; ${outcome.how}${(outcome.attempts ?? 1) > 1 ? ` (took ${outcome.attempts} attempts: the earlier ones crashed)` : ''}`,
    fmtSpread(spread(outcome.ours)),
    fmtSpread(spread(outcome.theirs)),
    fmtRatio(spread(ratios(outcome.ours, outcome.theirs))),
    `${fmt(outcome.mismatches)} of ${fmt(outcome.requests)}`,
    outcome.examples.join('; ') || '—',
  ];
}

export function renderPeers(peers: Outcome<PeersResult>): string[] {
  if (isSkipped(peers)) return [`**Peers (Cedar, Agent Governance Toolkit)**: ${peers.skipped}.`, ''];
  return [
    '**Peers: the policy evaluator vs Cedar and the Agent Governance Toolkit** on the same decisions. The workload is the refunds pack (`packages/gateway/packs/refunds.json`) and 10,000 seeded requests (refund tools and others; integer, boundary, fractional, string, boolean, null, negative and missing amounts); each engine answers every request once for the agreement check (same decision and same reason), then all sides are timed in interleaved rounds. Peers are installed into a scratch folder under the system temp directory, never as project dependencies.',
    '',
    table(
      [
        'peer',
        'ours, decisions per CPU-second',
        'peer, decisions per CPU-second',
        'ours ÷ peer per round',
        'answers that differ',
        'first differences',
      ],
      [
        peerRow('Cedar (wasm), preparsed', peers.cedar),
        peerRow('Cedar (wasm), policy text per call', peers.cedarPerCall),
        peerRow('Agent Governance Toolkit', peers.agt),
      ],
      ['left', 'right', 'right', 'right', 'right', 'left'],
    ),
    '',
    'The translation (kept in `packages/gateway/bench/report/peers/refunds.ts`, which also explains it rule by rule): ' +
      'our rules are first-match over an ordered list. Cedar has no order, so each rule becomes one policy with disjoint ' +
      'conditions (`permit` for allow and for the approval hold, which the application reads from the determining policy; ' +
      '`forbid` for the two denials; no matching policy is the default deny). The Agent Governance Toolkit has one ' +
      'condition per rule and first-match by priority, and no approval state: `block` stands for `require_approval`, ' +
      'and a rule with a negative-lookahead `matches` carries the default denial so it keeps its reason. Our tool ' +
      "glob's `*` is exactly one dot-free segment: Cedar's `like` crosses dots, so its condition also excludes " +
      "`*.*.refund.create`, and the toolkit's regular expression spells the segment out. Neither peer " +
      'has a type operator, so the adapter building their request passes `amount` only when it is an integer; that ' +
      'adapter is inside their timed work.',
    '',
    '<details><summary>The refunds pack in Cedar</summary>',
    '',
    '```cedar',
    ...Object.entries(CEDAR_POLICIES).map(([id, text]) => `@id("${id}")\n${text}\n`),
    '```',
    '',
    '</details>',
    '',
    '<details><summary>The refunds pack as an Agent Governance Toolkit policy document (default action: deny)</summary>',
    '',
    table(
      ['rule', 'condition', 'action', 'priority', 'message'],
      AGT_DOCUMENT.rules.map((rule) => [
        rule.name,
        `\`${rule.condition.field} ${rule.condition.operator} ${typeof rule.condition.value === 'string' ? `"${rule.condition.value}"` : rule.condition.value}\``,
        rule.action,
        String(rule.priority),
        rule.message,
      ]),
    ),
    '',
    '</details>',
    '',
  ];
}
