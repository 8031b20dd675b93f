/**
 * Flow labels as the gateway knows them, and how the exposure scan's categories map onto them: a
 * surface with sensitive access reads private data, one with untrusted input brings untrusted content
 * in front of the model, one with external communication can send data out.
 */
import type { Category } from '../exposure/categories.js';

export const FLOW_LABELS = ['private_data', 'untrusted_content', 'external_comm'] as const;

export type FlowLabel = (typeof FLOW_LABELS)[number];

export function isFlowLabel(value: unknown): value is FlowLabel {
  return typeof value === 'string' && (FLOW_LABELS as readonly string[]).includes(value);
}

const FROM_CATEGORY: Partial<Record<Category, FlowLabel>> = {
  sensitive_access: 'private_data',
  untrusted_input: 'untrusted_content',
  external_communication: 'external_comm',
};

/** The labels of a surface with these exposure categories, in the order of FLOW_LABELS. */
export function labelsOfCategories(categories: readonly Category[]): FlowLabel[] {
  const found = new Set(categories.map((category) => FROM_CATEGORY[category]).filter((l) => l !== undefined));
  return FLOW_LABELS.filter((label) => found.has(label));
}
