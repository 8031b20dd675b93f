/**
 * Inspects one tool definition: its name, title, description and every string (and property name) in
 * its input and output schemas and annotations — descriptions nested in `inputSchema`, enum values,
 * defaults — for hidden characters, lookalike names, instructions to the model, references to secrets
 * or to other servers' tools, and oversized text. Pure and synchronous: the gateway, the CLI and the
 * proxies call the same function and get the same findings.
 */
import { codePointList, decodeTags, decodeVariationSelectors, hiddenRuns, visible } from './characters.js';
import { foldLookalike, scriptsOf } from './confusables.js';
import {
  DESCRIPTION_MAX_CHARS,
  EXCERPT_CONTEXT_CHARS,
  FINDING_TEXT_MAX_CHARS,
  SCHEMA_MAX_DEPTH,
  SCHEMA_MAX_STRINGS,
  SCHEMA_STRING_MAX_CHARS,
} from './limits.js';
import { marksView, type View, wordsView } from './normalize.js';
import {
  INSTRUCTION_MARKERS,
  SECRET_CONTEXT_WORDS,
  SECRET_REFERENCES,
  SECRET_REFUSAL,
  SECRET_VERB,
  type TextPattern,
} from './patterns.js';
import type { CatalogTool, FindingCode, InspectableTool, InspectOptions, ToolFinding } from './types.js';

const SEVERITY_ORDER = { high: 0, medium: 1, low: 2 } as const;
const SCHEMA_FIELDS = [
  'input_schema',
  'inputSchema',
  'output_schema',
  'outputSchema',
  'annotations',
] as const;

interface Located {
  field: string;
  text: string;
  /** A property name rather than a value: only lookalike and reference checks apply. */
  isKey?: boolean;
}

export function inspectToolDefinition(tool: InspectableTool, options: InspectOptions = {}): ToolFinding[] {
  const findings: ToolFinding[] = [];
  const add = (finding: ToolFinding) => {
    const duplicate = findings.some(
      (f) => f.code === finding.code && f.field === finding.field && f.decoded === finding.decoded,
    );
    if (!duplicate) findings.push(finding);
  };
  const name = typeof tool.name === 'string' ? tool.name : '';
  const strings: Located[] = [];
  if (typeof tool.name === 'string') strings.push({ field: 'name', text: tool.name });
  if (typeof tool.title === 'string') strings.push({ field: 'title', text: tool.title });
  if (typeof tool.description === 'string') strings.push({ field: 'description', text: tool.description });
  let complete = true;
  for (const key of SCHEMA_FIELDS) {
    if (tool[key] !== undefined) complete = collect(tool[key], key, 0, strings) && complete;
  }
  if (!complete) {
    add({
      code: 'text.oversized',
      severity: 'high',
      field: 'input_schema',
      excerpt: '',
      decoded: `the schemas are nested deeper than ${SCHEMA_MAX_DEPTH} levels or hold more than ${SCHEMA_MAX_STRINGS} strings; not inspected in full`,
    });
  }
  if (name) for (const f of nameFindings(name)) add(f);
  const catalog = otherServersTools(options, name);
  for (const located of strings) {
    for (const f of hiddenFindings(located)) add(f);
    if (located.field !== 'name') {
      for (const f of textFindings(located, catalog)) add(f);
      for (const f of oversized(located, options)) add(f);
    }
  }
  return findings.sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.field.localeCompare(b.field),
  );
}

/** True when any finding is `high`: such a definition is held until approved with its findings. */
export function hasHighFinding(findings: readonly ToolFinding[]): boolean {
  return findings.some((f) => f.severity === 'high');
}

/** Every string and property name under a schema, with its path; false when the walk had to stop. */
function collect(value: unknown, path: string, depth: number, into: Located[]): boolean {
  if (into.length > SCHEMA_MAX_STRINGS || depth > SCHEMA_MAX_DEPTH) return false;
  if (typeof value === 'string') {
    into.push({ field: path, text: value });
    return true;
  }
  if (Array.isArray(value)) {
    return value.every((item, index) => collect(item, `${path}[${index}]`, depth + 1, into));
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const childPath = `${path}${pathKey(key)}`;
      into.push({ field: childPath, text: key, isKey: true });
      if (!collect(child, childPath, depth + 1, into)) return false;
    }
  }
  return true;
}

function pathKey(key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(visible(key))}]`;
}

function hiddenFindings({ field, text }: Located): ToolFinding[] {
  const runs = hiddenRuns(text);
  const findings: ToolFinding[] = [];
  const tags = runs.filter((r) => r.kind === 'tag');
  if (tags.length > 0) {
    const decoded = tags.map((r) => decodeTags(r.chars)).filter((s) => s.length > 0);
    findings.push({
      code: 'hidden.tag_chars',
      severity: 'high',
      field,
      excerpt: excerptAround(text, tags[0]?.start ?? 0, tags[0]?.end ?? 0),
      decoded: clip(
        decoded.length > 0
          ? visible(decoded.join(' … '))
          : `${tags.reduce((n, r) => n + r.chars.length, 0)} tag character(s) spelling nothing printable`,
      ),
    });
    // What the tags spell is read by a model like any other text, so it is inspected like any other.
    for (const hidden of decoded) {
      for (const f of textFindings({ field, text: hidden }, []))
        findings.push({ ...f, decoded: `hidden: ${f.decoded}` });
    }
  }
  const zeroWidth = runs.filter((r) => r.kind === 'zero_width');
  if (zeroWidth.length > 0) {
    const chars = zeroWidth.flatMap((r) => r.chars);
    const smuggled = zeroWidth.map((r) => decodeVariationSelectors(r.chars)).find((s) => s !== null);
    findings.push({
      code: 'hidden.zero_width',
      severity: 'high',
      field,
      excerpt: excerptAround(text, zeroWidth[0]?.start ?? 0, zeroWidth[0]?.end ?? 0),
      decoded: clip(
        `${codePointList(chars)}; the text reads: ${visible(stripInvisible(text, zeroWidth))}${smuggled ? `; the variation selectors encode: ${smuggled}` : ''}`,
      ),
    });
  }
  for (const kind of ['bidi_control', 'bidi_mark'] as const) {
    const bidi = runs.filter((r) => r.kind === kind);
    if (bidi.length === 0) continue;
    findings.push({
      code: 'hidden.bidi',
      severity: kind === 'bidi_control' ? 'high' : 'medium',
      field,
      excerpt: excerptAround(text, bidi[0]?.start ?? 0, bidi[0]?.end ?? 0),
      decoded: clip(
        `${codePointList(bidi.flatMap((r) => r.chars))} reorder what is displayed; in reading order: ${visible(text)}`,
      ),
    });
  }
  return findings;
}

function stripInvisible(text: string, runs: ReturnType<typeof hiddenRuns>): string {
  let out = '';
  let from = 0;
  for (const run of runs) {
    out += text.slice(from, run.start);
    from = run.end;
  }
  return clip(out + text.slice(from));
}

/** A tool name with non-ASCII letters that imitate ASCII ones, or letters from several scripts. */
function nameFindings(name: string): ToolFinding[] {
  const visibleName = [...name].filter((c) => hiddenRuns(c).length === 0).join('');
  if (/^[\x20-\x7e]*$/.test(visibleName)) return [];
  const scripts = scriptsOf(visibleName);
  const skeleton = foldLookalike(visibleName.normalize('NFKC'));
  // An imitation reads as plain ASCII once its lookalikes are folded; a name in another script does not.
  const imitates = /^[\x20-\x7e]*$/.test(skeleton);
  const mixed = scripts.length > 1;
  const foreign = [...visibleName].filter((c) => !/[\x20-\x7e]/.test(c));
  return [
    {
      code: 'name.confusable',
      severity: imitates || mixed ? 'high' : 'medium',
      field: 'name',
      excerpt: visible(name),
      decoded: clip(
        `${imitates ? `reads as "${visible(skeleton)}"` : 'not plain ASCII'}; ${codePointList(foreign)}${mixed ? ` mix scripts (${scripts.join(', ')})` : ''}`,
      ),
    },
  ];
}

function textFindings(located: Located, catalog: readonly Reference[]): ToolFinding[] {
  const findings: ToolFinding[] = [];
  const words = wordsView(located.text);
  const marks = marksView(located.text);
  const viewOf = (p: TextPattern) => (p.view === 'words' ? words : marks);
  const run = (code: FindingCode, patterns: readonly TextPattern[]) => {
    for (const p of patterns) {
      // Property names are identifiers, not prose: only references to secrets are looked for there.
      if (located.isKey && code !== 'text.secret_reference') continue;
      const view = viewOf(p);
      const match = p.pattern.exec(view.text);
      if (!match) continue;
      const severity =
        code === 'text.secret_reference' && p.severity === 'high'
          ? secretSeverity(located.text, view.source[match.index] ?? 0)
          : p.severity;
      findings.push({
        code,
        severity,
        field: located.field,
        excerpt: excerptOfView(located.text, view, match.index, match.index + match[0].length),
        decoded: clip(visible(match[0].trim())),
      });
    }
  };
  run('text.instruction_marker', INSTRUCTION_MARKERS);
  run('text.secret_reference', SECRET_REFERENCES);
  if (catalog.length > 0) {
    const view = marks;
    for (const { tool: other, spellings } of catalog) {
      const at = findName(view.text, spellings);
      if (!at) continue;
      findings.push({
        code: 'text.cross_tool_reference',
        severity: 'high',
        field: located.field,
        excerpt: excerptOfView(located.text, view, at.start, at.end),
        decoded: clip(
          `names ${visible(other.name)}${other.server ? ` of server ${visible(other.server)}` : ''}`,
        ),
      });
    }
  }
  return findings;
}

/** High when a verb that moves data comes just before the reference and no refusal does. */
function secretSeverity(text: string, at: number): 'high' | 'medium' {
  const before = wordsView(text.slice(Math.max(0, at - 200), at))
    .text.trim()
    .split(' ');
  const window = before.slice(-SECRET_CONTEXT_WORDS).join(' ');
  return SECRET_VERB.test(window) && !SECRET_REFUSAL.test(window) ? 'high' : 'medium';
}

/**
 * Tools of other servers, spelt as they could be named: `server.tool`, `mcp__server__tool`, and the
 * bare name when it is distinctive (`send_email`, `createIssue`; a bare `search` names nothing).
 */
interface Reference {
  tool: CatalogTool;
  /** Lower-case spellings that name it: `server.tool`, `mcp__server__tool`, a distinctive bare name. */
  spellings: string[];
}

function otherServersTools(options: InspectOptions, ownName: string): Reference[] {
  const catalog = options.catalog ?? [];
  // A bare name the tool's own server also serves is a reference to a sibling (two servers can both
  // have `update_issue`); only a spelling qualified with the other server names that one.
  const siblings = new Set(
    catalog.filter((t) => options.server !== undefined && t.server === options.server).map((t) => t.name),
  );
  siblings.add(ownName);
  return catalog
    .filter((t) => options.server === undefined || t.server !== options.server)
    .map((tool) => {
      const name = foldLookalike(tool.name.normalize('NFKC')).toLowerCase();
      const server = tool.server?.toLowerCase();
      const spellings = server ? [`${server}.${name}`, `mcp__${server}__${name}`] : [];
      if (!siblings.has(tool.name) && name.length >= 5 && /[_-]|[a-z][A-Z]/.test(tool.name))
        spellings.push(name);
      return { tool, spellings };
    });
}

function findName(text: string, spellings: readonly string[]): { start: number; end: number } | null {
  for (const spelling of spellings) {
    let from = 0;
    for (;;) {
      const at = text.indexOf(spelling, from);
      if (at < 0) break;
      const before = text[at - 1] ?? ' ';
      const after = text[at + spelling.length] ?? ' ';
      if (!/[\w-]/.test(before) && !/[\w-]/.test(after)) return { start: at, end: at + spelling.length };
      from = at + 1;
    }
  }
  return null;
}

function oversized(located: Located, options: InspectOptions): ToolFinding[] {
  const limit =
    located.field === 'description'
      ? (options.maxDescriptionChars ?? DESCRIPTION_MAX_CHARS)
      : located.field === 'title'
        ? SCHEMA_STRING_MAX_CHARS
        : SCHEMA_STRING_MAX_CHARS;
  if (located.text.length <= limit) return [];
  return [
    {
      code: 'text.oversized',
      severity: 'medium',
      field: located.field,
      excerpt: excerptAround(located.text, limit, limit),
      decoded: `${located.text.length} characters, over the limit of ${limit}`,
    },
  ];
}

function excerptOfView(original: string, view: View, start: number, end: number): string {
  const from = view.source[start] ?? 0;
  const lastSource = view.source[Math.max(start, end - 1)] ?? from;
  const to =
    lastSource +
    (original.codePointAt(lastSource) !== undefined && original.codePointAt(lastSource)! > 0xffff ? 2 : 1);
  return excerptAround(original, from, to);
}

function excerptAround(text: string, start: number, end: number): string {
  const from = Math.max(0, start - EXCERPT_CONTEXT_CHARS);
  const to = Math.min(text.length, end + EXCERPT_CONTEXT_CHARS);
  const body = visible(safeSlice(text, from, to));
  return clip(`${from > 0 ? '…' : ''}${body}${to < text.length ? '…' : ''}`);
}

/** A slice that does not cut a surrogate pair in half. */
function safeSlice(text: string, from: number, to: number): string {
  const isLow = (i: number) => {
    const c = text.charCodeAt(i);
    return c >= 0xdc00 && c <= 0xdfff;
  };
  let a = from;
  let b = to;
  if (a > 0 && isLow(a)) a -= 1;
  if (b < text.length && isLow(b)) b += 1;
  return text.slice(a, b);
}

function clip(text: string): string {
  return text.length > FINDING_TEXT_MAX_CHARS ? `${text.slice(0, FINDING_TEXT_MAX_CHARS - 1)}…` : text;
}
