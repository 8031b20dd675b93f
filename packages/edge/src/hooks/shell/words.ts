/**
 * A shell word as the shell would see it after quote removal: `r''m`, `\rm`, `"r"m` and `$'\x72m'` all
 * read `rm`. A word whose value depends on the running shell (a variable other than HOME/PWD, a
 * command or process substitution, an arithmetic expansion) has no literal value; a word the shell
 * would expand into other words (an unquoted glob or brace expansion) is marked `expands`.
 */
import type { ShellNode } from './parser.js';

export interface Word {
  /** The literal value, or null when the running shell computes it. */
  value: string | null;
  /** Unquoted glob characters or a brace expansion: the shell may turn this word into others. */
  expands: boolean;
  /** Command and process substitutions inside the word (their commands run before this one). */
  substitutions: ShellNode[];
}

export interface WordScope {
  home: string;
  /** The shell's working directory when known (for `$PWD`). */
  cwd: string | null;
}

const GLOB_CHARS = /[*?[]/;
const BRACE_EXPANSION = /\{[^{}]*(,|\.\.)[^{}]*\}/;

export function readWord(node: ShellNode, scope: WordScope): Word {
  const state = { value: '' as string | null, unquoted: '', substitutions: [] as ShellNode[] };
  append(node, scope, state, true);
  const expands = GLOB_CHARS.test(state.unquoted) || BRACE_EXPANSION.test(state.unquoted);
  return { value: state.value, expands, substitutions: state.substitutions };
}

interface State {
  value: string | null;
  /** Unquoted text with escaped characters removed, to look for globs and braces. */
  unquoted: string;
  substitutions: ShellNode[];
}

function add(state: State, text: string | null): void {
  if (text === null || state.value === null) state.value = null;
  else state.value += text;
}

function append(node: ShellNode, scope: WordScope, state: State, first: boolean): void {
  switch (node.type) {
    case 'word':
    case 'number': {
      const text = node.text;
      state.unquoted += text.replace(/\\./gs, '');
      add(state, first ? expandTilde(unescapeUnquoted(text), scope) : unescapeUnquoted(text));
      return;
    }
    case 'raw_string':
      add(state, node.text.slice(1, -1));
      return;
    case 'ansi_c_string':
      add(state, decodeAnsiC(node.text.slice(2, -1)));
      return;
    case 'string':
    case 'translated_string':
      for (const child of node.namedChildren) {
        if (!child) continue;
        if (child.type === 'string_content') add(state, unescapeDoubleQuoted(child.text));
        else mergeInto(child, scope, state);
      }
      return;
    case 'concatenation':
      node.namedChildren.forEach((child, index) => {
        if (child) append(child, scope, state, first && index === 0);
      });
      return;
    case 'simple_expansion':
    case 'expansion':
      // `${X:-$(cmd)}` runs cmd when X is unset.
      collectSubstitutions(node, state.substitutions);
      add(state, knownVariable(node, scope));
      return;
    case 'command_substitution':
    case 'process_substitution':
      state.substitutions.push(node);
      add(state, null);
      return;
    default:
      // Arithmetic, brace ranges and anything else the shell computes.
      collectSubstitutions(node, state.substitutions);
      state.unquoted += '{,}';
      add(state, null);
  }
}

/** Within double quotes an expansion adds its value (or unknown) but never globs. */
function mergeInto(child: ShellNode, scope: WordScope, state: State): void {
  if (child.type === 'command_substitution') {
    state.substitutions.push(child);
    add(state, null);
  } else if (child.type === 'simple_expansion' || child.type === 'expansion') {
    add(state, knownVariable(child, scope));
    collectSubstitutions(child, state.substitutions);
  } else {
    collectSubstitutions(child, state.substitutions);
    add(state, null);
  }
}

function collectSubstitutions(node: ShellNode, into: ShellNode[]): void {
  if (node.type === 'command_substitution' || node.type === 'process_substitution') {
    into.push(node);
    return;
  }
  for (const child of node.namedChildren) if (child) collectSubstitutions(child, into);
}

/** `$HOME` and `$PWD` (bare or braced, without operators) are read as the shell would have them. */
function knownVariable(node: ShellNode, scope: WordScope): string | null {
  const name = /^\$\{?(HOME|PWD)\}?$/.exec(node.text)?.[1];
  if (name === 'HOME') return scope.home;
  if (name === 'PWD') return scope.cwd;
  return null;
}

function expandTilde(text: string, scope: WordScope): string {
  if (text === '~' || text.startsWith('~/')) return scope.home + text.slice(1);
  const user = /^~([A-Za-z0-9._-]+)(\/.*)?$/.exec(text);
  if (user) return `${scope.home.replace(/\/[^/]*$/, '')}/${user[1]}${user[2] ?? ''}`;
  return text;
}

function unescapeUnquoted(text: string): string {
  return text.replace(/\\\n/g, '').replace(/\\(.)/gs, '$1');
}

function unescapeDoubleQuoted(text: string): string {
  return text.replace(/\\\n/g, '').replace(/\\([$`"\\])/g, '$1');
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** Bash's `$'…'` escapes: \n and friends, octal \NNN, hex \xHH, \uHHHH, \UHHHHHHHH, control \cX. */
export function decodeAnsiC(body: string): string {
  return body.replace(
    /\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|c.|.)/gs,
    (_match, sequence: string) => {
      const head = sequence[0] as string;
      if (head === 'x' || head === 'u' || head === 'U')
        return String.fromCodePoint(Math.min(Number.parseInt(sequence.slice(1), 16), 0x10ffff));
      if (/[0-7]/.test(head)) return String.fromCharCode(Number.parseInt(sequence, 8) & 0xff);
      if (head === 'c') return String.fromCharCode((sequence.charCodeAt(1) as number) & 0x1f);
      return SIMPLE_ESCAPES[head] ?? `\\${sequence}`;
    },
  );
}
