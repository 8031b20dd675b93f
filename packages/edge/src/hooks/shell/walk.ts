/**
 * Walks a Bash parse tree the way the shell would run it, and hands every simple command it reaches to
 * a visitor: commands in pipelines, lists, subshells, groups, loops and conditionals (every branch
 * counts), command and process substitutions, here-documents, function bodies. Pipelines are followed
 * stage by stage, so a visitor can tell what feeds an interpreter's standard input. Syntax the walker
 * does not know, and anything the parser could not read, is reported as opaque — never skipped.
 */
import type { ShellNode } from './parser.js';
import { readWord, type Word, type WordScope } from './words.js';

/** What a command (or a group of them) does with the stream that flows through a pipe. */
export interface Stage {
  /** Writes content fetched from the network to its output. */
  downloads: boolean;
  /** Writes decoded (or otherwise transformed) content to its output. */
  decodes: boolean;
  /** Reads its program from standard input: `sh`, `bash -s`, `python -`, `source /dev/stdin`. */
  stdinCode: 'shell' | 'other' | null;
  /** Writes exactly this literal text (a plain `echo` or `printf` of literal words). */
  literalOutput: string | null;
}

export const QUIET: Stage = { downloads: false, decodes: false, stdinCode: null, literalOutput: null };

export interface Redirect {
  operator: string;
  /** The target file (or here-string) as a word; null for a here-document or a descriptor copy. */
  target: Word | null;
  /** Here-document text as written (the parse of its body is walked separately). */
  heredoc: string | null;
  herestring: boolean;
}

export interface SimpleCommand {
  assignments: { name: string; value: Word | null }[];
  /** The command name and its arguments, each after quote removal. */
  argv: Word[];
  redirects: Redirect[];
  /** What the substitutions inside the words produced (a download inside `$(…)` or `<(…)`). */
  substituted: Stage;
}

export interface ShellVisitor extends WordScope {
  /** Evaluates one simple command; `cwd` is updated by the visitor itself (for `cd`). */
  command(command: SimpleCommand): Stage;
  opaque(reason: string): void;
  /** Called with a stage that reads code on stdin and what fed it (earlier stages of the pipeline). */
  stdinCode(kind: 'shell' | 'other', feed: Stage): void;
  /** Variables whose assignment changes how later commands resolve (PATH, IFS, LD_PRELOAD, …). */
  dangerousAssignment(name: string): boolean;
}

/** Statement-level syntax whose children are simply walked in order. */
const CONTAINERS = new Set([
  'program',
  'list',
  'compound_statement',
  'do_group',
  'if_statement',
  'elif_clause',
  'else_clause',
  'while_statement',
  'for_statement',
  'c_style_for_statement',
  'case_statement',
  'case_item',
  'negated_command',
  'function_definition',
  'test_command',
  'binary_expression',
  'unary_expression',
  'ternary_expression',
  'parenthesized_expression',
  'postfix_expression',
  'heredoc_body',
  'string',
  'concatenation',
  'expansion',
  'arithmetic_expansion',
  'array',
  'subscript',
  'variable_assignments',
]);

/** Leaves that run nothing. */
const INERT = new Set([
  'comment',
  'word',
  'number',
  'raw_string',
  'ansi_c_string',
  'string_content',
  'variable_name',
  'special_variable_name',
  'simple_expansion',
  'heredoc_start',
  'heredoc_end',
  'heredoc_content',
  'file_descriptor',
  'test_operator',
  'regex',
  'extglob_pattern',
  'brace_expression',
  'translated_string',
  'command_name',
]);

/** Subshell-like nodes: a `cd` inside does not move the commands after them. */
const ISOLATED = new Set(['subshell', 'command_substitution', 'process_substitution']);

export function walk(node: ShellNode, visitor: ShellVisitor): Stage {
  if (node.isError || node.isMissing) {
    visitor.opaque('the parser could not read part of the command');
    return QUIET;
  }
  if (!node.isNamed) return QUIET;
  const type = node.type;
  if (type === 'command') return walkCommand(node, [], visitor);
  if (type === 'pipeline') return walkPipeline(pipelineStages(node), visitor, QUIET);
  if (type === 'redirected_statement') return walkRedirected(node, visitor);
  if (type === 'variable_assignment') return walkAssignment(node, visitor);
  if (type === 'declaration_command' || type === 'unset_command') return walkDeclaration(node, visitor);
  if (ISOLATED.has(type)) {
    const saved = visitor.cwd;
    const stage = walkChildren(node, visitor);
    visitor.cwd = saved;
    return stage;
  }
  if (CONTAINERS.has(type)) return walkChildren(node, visitor);
  if (INERT.has(type)) return walkSubstitutionsIn(node, visitor);
  visitor.opaque(`shell syntax the hook does not evaluate (${type})`);
  return walkChildren(node, visitor);
}

function walkChildren(node: ShellNode, visitor: ShellVisitor): Stage {
  const stages: Stage[] = [];
  for (const child of node.children) if (child) stages.push(walk(child, visitor));
  return merge(stages);
}

function walkSubstitutionsIn(node: ShellNode, visitor: ShellVisitor): Stage {
  if (node.type === 'command_substitution' || node.type === 'process_substitution')
    return walk(node, visitor);
  const stages: Stage[] = [];
  for (const child of node.namedChildren) if (child) stages.push(walkSubstitutionsIn(child, visitor));
  return merge(stages);
}

export function merge(stages: readonly Stage[]): Stage {
  if (stages.length === 1) return stages[0] as Stage;
  return {
    downloads: stages.some((s) => s.downloads),
    decodes: stages.some((s) => s.decodes),
    stdinCode: stages.find((s) => s.stdinCode)?.stdinCode ?? null,
    literalOutput: null,
  };
}

function pipelineStages(node: ShellNode): ShellNode[] {
  return node.namedChildren.filter((child): child is ShellNode => child !== null && child.type !== 'comment');
}

function walkPipeline(stages: readonly ShellNode[], visitor: ShellVisitor, first: Stage): Stage {
  const seen: Stage[] = first === QUIET ? [] : [first];
  for (const node of stages) {
    const saved = visitor.cwd;
    const stage = walk(node, visitor);
    visitor.cwd = saved;
    if (stage.stdinCode && seen.length > 0) {
      const last = seen.at(-1) as Stage;
      visitor.stdinCode(stage.stdinCode, {
        downloads: seen.some((s) => s.downloads),
        decodes: seen.some((s) => s.decodes),
        stdinCode: null,
        literalOutput: seen.length === 1 ? last.literalOutput : null,
      });
    }
    seen.push({ ...stage, stdinCode: null });
  }
  return merge(seen);
}

function walkRedirected(node: ShellNode, visitor: ShellVisitor): Stage {
  const [body, ...rest] = node.namedChildren.filter((c): c is ShellNode => c !== null);
  if (!body) return QUIET;
  const redirects: ShellNode[] = [];
  const following: ShellNode[] = [];
  const pipedInto: ShellNode[] = [];
  for (const child of rest) {
    if (isRedirect(child)) {
      redirects.push(child);
      // tree-sitter hangs what follows a here-document's start line (`<<EOF | sh`, `<<EOF && x`)
      // under the redirect itself.
      for (const inner of child.namedChildren) {
        if (!inner || isHeredocPart(inner)) continue;
        if (inner.type === 'pipeline') pipedInto.push(...pipelineStages(inner));
        else if (pipedInto.length === 0 && precededByPipe(inner)) pipedInto.push(inner);
        else following.push(inner);
      }
    } else following.push(child);
  }
  let stage: Stage;
  if (body.type === 'command') stage = walkCommand(body, redirects, visitor);
  else {
    stage = walk(body, visitor);
    const fake = redirectsOf(redirects, visitor);
    for (const redirect of fake.redirects)
      visitor.command({ assignments: [], argv: [], redirects: [redirect], substituted: fake.substituted });
  }
  if (pipedInto.length > 0) stage = walkPipeline(pipedInto, visitor, stage);
  for (const next of following) stage = merge([stage, walk(next, visitor)]);
  return stage;
}

function precededByPipe(node: ShellNode): boolean {
  const previous = node.previousSibling;
  return previous !== null && (previous.type === '|' || previous.type === '|&');
}

function isRedirect(node: ShellNode): boolean {
  return (
    node.type === 'file_redirect' || node.type === 'heredoc_redirect' || node.type === 'herestring_redirect'
  );
}

function isHeredocPart(node: ShellNode): boolean {
  return (
    node.type === 'heredoc_start' ||
    node.type === 'heredoc_body' ||
    node.type === 'heredoc_end' ||
    node.type === 'file_descriptor' ||
    node.type === 'word' ||
    node.type === 'string' ||
    node.type === 'raw_string' ||
    node.type === 'concatenation' ||
    node.type === 'number'
  );
}

function walkCommand(node: ShellNode, outerRedirects: readonly ShellNode[], visitor: ShellVisitor): Stage {
  const assignments: SimpleCommand['assignments'] = [];
  const words: ShellNode[] = [];
  const redirectNodes: ShellNode[] = [...outerRedirects];
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'variable_assignment') {
      const name = child.childForFieldName('name')?.text ?? child.namedChildren[0]?.text ?? '';
      const valueNode = child.childForFieldName('value');
      assignments.push({ name, value: valueNode ? readWord(valueNode, visitor) : null });
      if (visitor.dangerousAssignment(name)) visitor.opaque(`the command sets ${name}`);
    } else if (isRedirect(child)) redirectNodes.push(child);
    else if (child.type === 'command_name') {
      const inner = child.namedChildren[0];
      if (inner) words.push(inner);
    } else if (child.isError || child.isMissing)
      visitor.opaque('the parser could not read part of the command');
    else words.push(child);
  }
  const substitutions: Stage[] = [];
  const argv = words.map((w) => {
    const word = readWord(w, visitor);
    for (const sub of word.substitutions) substitutions.push(walk(sub, visitor));
    return word;
  });
  for (const a of assignments)
    for (const sub of a.value?.substitutions ?? []) substitutions.push(walk(sub, visitor));
  const { redirects, substituted } = redirectsOf(redirectNodes, visitor);
  return visitor.command({
    assignments,
    argv,
    redirects,
    substituted: merge([...substitutions, substituted]),
  });
}

function redirectsOf(
  nodes: readonly ShellNode[],
  visitor: ShellVisitor,
): { redirects: Redirect[]; substituted: Stage } {
  const redirects: Redirect[] = [];
  const stages: Stage[] = [QUIET];
  for (const node of nodes) {
    if (node.isError || node.hasError) visitor.opaque('the parser could not read a redirection');
    const operator = node.children
      .filter((c): c is ShellNode => c !== null && !c.isNamed)
      .map((c) => c.type)
      .join('');
    if (node.type === 'heredoc_redirect') {
      const body = node.namedChildren.find((c) => c?.type === 'heredoc_body');
      if (body) stages.push(walk(body, visitor));
      redirects.push({ operator: '<<', target: null, heredoc: body?.text ?? '', herestring: false });
      continue;
    }
    const targetNode = node.namedChildren.filter((c) => c !== null && c.type !== 'file_descriptor').at(-1);
    const target = targetNode ? readWord(targetNode, visitor) : null;
    for (const sub of target?.substitutions ?? []) stages.push(walk(sub, visitor));
    redirects.push({
      operator: node.type === 'herestring_redirect' ? '<<<' : operator,
      target,
      heredoc: null,
      herestring: node.type === 'herestring_redirect',
    });
  }
  return { redirects, substituted: merge(stages) };
}

function walkAssignment(node: ShellNode, visitor: ShellVisitor): Stage {
  const name = node.childForFieldName('name')?.text ?? node.namedChildren[0]?.text ?? '';
  if (visitor.dangerousAssignment(name.replace(/\[.*$/, ''))) visitor.opaque(`the command sets ${name}`);
  return walkSubstitutionsIn(node, visitor);
}

function walkDeclaration(node: ShellNode, visitor: ShellVisitor): Stage {
  for (const child of node.namedChildren) {
    if (!child) continue;
    const name =
      child.type === 'variable_assignment'
        ? (child.childForFieldName('name')?.text ?? child.namedChildren[0]?.text ?? '')
        : child.type === 'variable_name'
          ? child.text
          : '';
    if (name && visitor.dangerousAssignment(name.replace(/\[.*$/, '')))
      visitor.opaque(`the command sets ${name}`);
    if (child.type === 'word' && child.text.startsWith('-f'))
      visitor.opaque('the command exports a function');
  }
  visitor.command({
    assignments: [],
    argv: [{ value: node.children[0]?.type ?? 'declare', expands: false, substitutions: [] }],
    redirects: [],
    substituted: QUIET,
  });
  return walkSubstitutionsIn(node, visitor);
}
