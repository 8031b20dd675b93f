import type { CompiledRule, ToolIndex } from './types.js';

/**
 * An exact-tool index. A rule whose `when` list contains `tool == "<name>"` can only match that tool,
 * so it is filed under the name; every other rule is a wildcard. For each name the rules that can
 * apply are merged with the wildcards once, at compile time, keeping policy order, so evaluating one
 * action walks only the rules that could apply to its tool and first-match order is unchanged.
 */
export function buildToolIndex(rules: readonly CompiledRule[]): ToolIndex {
  const keyed = new Map<string, number[]>();
  const wildcard: number[] = [];
  rules.forEach((rule, i) => {
    const tool = exactTool(rule);
    if (tool === undefined) {
      wildcard.push(i);
      return;
    }
    const bucket = keyed.get(tool);
    if (bucket === undefined) keyed.set(tool, [i]);
    else bucket.push(i);
  });
  const byTool = new Map<string, readonly number[]>();
  for (const [tool, bucket] of keyed) byTool.set(tool, Object.freeze(mergeSorted(bucket, wildcard)));
  return { byTool, wildcard: Object.freeze(wildcard) };
}

/** The rule indices to try for an action on `tool`, in policy order. */
export function candidateRules(index: ToolIndex, tool: unknown): readonly number[] {
  if (typeof tool !== 'string') return index.wildcard;
  return index.byTool.get(tool) ?? index.wildcard;
}

/** The first `when` condition of the form `tool == "<string>"`, if any. */
function exactTool(rule: CompiledRule): string | undefined {
  for (const condition of rule.when) {
    const { path, operator, value } = condition.source;
    if (path === 'tool' && operator === '==' && typeof value === 'string') return value;
  }
  return undefined;
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && (a[i] as number) < (b[j] as number))) merged.push(a[i++] as number);
    else merged.push(b[j++] as number);
  }
  return merged;
}
