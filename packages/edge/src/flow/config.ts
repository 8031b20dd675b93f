/**
 * An upstream's flow classification as the operator writes it in the proxy config:
 *   "flow": {"labels": ["private_data"]}                       every tool of the server
 *   "flow": {"tools": {"send_*": ["external_comm"]}, ...}      per tool (globs on the upstream's name)
 * Tools no entry names fall back to `labels`, and without `labels` to the exposure scan's rules (the
 * tool's name and annotations, then the server's launch command).
 */
import { type FlowLabel, isFlowLabel } from './labels.js';

export interface FlowSettings {
  labels: FlowLabel[] | null;
  tools: Array<{ pattern: string; labels: FlowLabel[] }>;
}

const FIELDS = new Set(['labels', 'tools']);
const LABEL_LIST = 'a list of private_data, untrusted_content, external_comm';

export function parseFlowSettings(
  value: unknown,
  path: string,
  at: (path: string, message: string) => void,
): FlowSettings | null {
  if (value === undefined) return null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    at(path, 'must be {labels?, tools?}');
    return null;
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw))
    if (!FIELDS.has(key)) at(`${path}.${key}`, 'unknown field; expected labels or tools');
  const labels = raw.labels === undefined ? null : labelList(raw.labels, `${path}.labels`, at);
  const tools: FlowSettings['tools'] = [];
  if (raw.tools !== undefined) {
    if (typeof raw.tools !== 'object' || raw.tools === null || Array.isArray(raw.tools)) {
      at(`${path}.tools`, `must map tool-name globs to ${LABEL_LIST}`);
    } else {
      for (const [pattern, list] of Object.entries(raw.tools)) {
        if (pattern === '' || pattern.length > 256)
          at(`${path}.tools`, 'a tool glob must be 1-256 characters');
        tools.push({ pattern, labels: labelList(list, `${path}.tools.${pattern}`, at) });
      }
    }
  }
  return { labels, tools };
}

function labelList(value: unknown, path: string, at: (path: string, message: string) => void): FlowLabel[] {
  if (!Array.isArray(value) || !value.every(isFlowLabel)) {
    at(path, `must be ${LABEL_LIST} (an empty list: no label)`);
    return [];
  }
  return [...new Set(value)];
}
