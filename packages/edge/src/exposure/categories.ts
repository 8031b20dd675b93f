/**
 * The three legs of the lethal trifecta, plus the critical actions an attacker must not trigger.
 * A tool surface carries any number of them; an agent carries the union of its surfaces'.
 */
export const CATEGORIES = [
  'untrusted_input',
  'sensitive_access',
  'external_communication',
  'critical_action',
] as const;

export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_LABELS: Record<Category, string> = {
  untrusted_input: 'untrusted input',
  sensitive_access: 'sensitive access',
  external_communication: 'external communication',
  critical_action: 'critical action',
};

/** Red: the surface can put an attacker's words in front of the model. */
export function isRed(categories: readonly Category[]): boolean {
  return categories.includes('untrusted_input');
}

/** Blue: the surface does something an attacker must not be able to trigger. */
export function isBlue(categories: readonly Category[]): boolean {
  return categories.includes('critical_action') || categories.includes('external_communication');
}

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}
