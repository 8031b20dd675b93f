/**
 * What an agent may record with `POST /evidence`. The gateway's namespaces are its own:
 * a custom type may not be one of them or start with one and a dot, so a forged `decision.allow` or
 * `policy.updated.x` cannot sit in the chain beside the real ones. The single exception is
 * `action.outcome`, the record the SDKs (after `execute`) and the enforcing proxy (after forwarding)
 * write as the agent; like every event it carries `written_by`, so it cannot pass for the gateway's,
 * and it must name a decision made for the calling key (checked after this, against the ledger:
 * decide/outcome-binding.ts).
 * No custom event may carry its own `written_by`: the gateway records the writer itself.
 */
import { GATEWAY_EVIDENCE_NAMESPACES, OUTCOME_EVIDENCE_TYPE } from '../constants.js';
import type { JsonObject } from '../policy/types.js';
import { WRITTEN_BY } from './writer.js';

export interface CustomEvidenceProblem {
  path: string;
  message: string;
  fix: string;
}

export function customEvidenceProblem(type: string, data: JsonObject): CustomEvidenceProblem | null {
  if (Object.hasOwn(data, WRITTEN_BY)) {
    return {
      path: `body.data.${WRITTEN_BY}`,
      message: 'is recorded by the gateway from the API key',
      fix: 'remove it',
    };
  }
  if (type === OUTCOME_EVIDENCE_TYPE) return null;
  const namespace = GATEWAY_EVIDENCE_NAMESPACES.find((ns) => type === ns || type.startsWith(`${ns}.`));
  if (namespace === undefined) return null;
  return {
    path: 'body.type',
    message: `"${type}" is in the gateway's "${namespace}" namespace`,
    fix: 'use a type of your own, e.g. "app.refund_sent"',
  };
}
