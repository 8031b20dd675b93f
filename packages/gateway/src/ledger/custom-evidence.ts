/**
 * What an agent may record with `POST /evidence` (SPEC §16.5). The gateway's namespaces are its own:
 * a custom type may not be one of them or start with one and a dot, so a forged `decision.allow` or
 * `policy.updated.x` cannot sit in the chain beside the real ones. The single exception is
 * `action.outcome`, the record both SDKs write after `execute`: it is accepted in exactly its
 * documented shape. No custom event may carry `written_by`: the gateway records the writer itself.
 */
import { GATEWAY_EVIDENCE_NAMESPACES, OUTCOME_EVIDENCE_TYPE } from '../constants.js';
import type { JsonObject } from '../policy/types.js';
import { WRITTEN_BY } from './writer.js';

export interface CustomEvidenceProblem {
  path: string;
  message: string;
  fix: string;
}

const OUTCOME_MEMBERS = ['duration_ms', 'evidence_event_id', 'outcome', 'result_sha256', 'tool'];
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const EVENT_ID = /^ev_[A-Za-z0-9_-]+$/;

export function customEvidenceProblem(type: string, data: JsonObject): CustomEvidenceProblem | null {
  if (Object.hasOwn(data, WRITTEN_BY)) {
    return {
      path: `body.data.${WRITTEN_BY}`,
      message: 'is recorded by the gateway from the API key',
      fix: 'remove it',
    };
  }
  if (type === OUTCOME_EVIDENCE_TYPE) return outcomeProblem(data);
  const namespace = GATEWAY_EVIDENCE_NAMESPACES.find((ns) => type === ns || type.startsWith(`${ns}.`));
  if (namespace === undefined) return null;
  return {
    path: 'body.type',
    message: `"${type}" is in the gateway's "${namespace}" namespace`,
    fix: 'use a type of your own, e.g. "app.refund_sent"',
  };
}

function outcomeProblem(data: JsonObject): CustomEvidenceProblem | null {
  const fix = `send {${OUTCOME_MEMBERS.join(', ')}} as the SDKs do`;
  const extra = Object.keys(data).find((key) => !OUTCOME_MEMBERS.includes(key));
  if (extra !== undefined) return { path: `body.data.${extra}`, message: 'unknown field', fix };
  const { evidence_event_id: eventId, tool, outcome, duration_ms: duration, result_sha256: digest } = data;
  const wrong = (member: string, message: string) => ({ path: `body.data.${member}`, message, fix });
  if (eventId !== null && !(typeof eventId === 'string' && EVENT_ID.test(eventId))) {
    return wrong('evidence_event_id', 'must be a ledger event id or null');
  }
  if (typeof tool !== 'string' || tool.length === 0) return wrong('tool', 'must be a tool name');
  if (outcome !== 'ok' && outcome !== 'error') return wrong('outcome', 'must be "ok" or "error"');
  if (!(Number.isSafeInteger(duration) && (duration as number) >= 0)) {
    return wrong('duration_ms', 'must be a non-negative integer');
  }
  if (digest !== null && !(typeof digest === 'string' && HEX_SHA256.test(digest))) {
    return wrong('result_sha256', 'must be a hex SHA-256 or null');
  }
  return null;
}
