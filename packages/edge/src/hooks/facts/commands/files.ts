/**
 * Commands that only read, and the file commands whose writes and deletes the hook checks: what they
 * read (secret files), what they write (outside the workspace, secret files), what they delete.
 */
import { dirname } from 'node:path';
import type { Word } from '../../shell/words.js';
import type { Analyser, Findings, Verdict } from '../findings.js';
import { has, parseOptions, valuesOf } from '../options.js';
import { resolvePath } from '../paths.js';

/** Reads its operands (every literal argument is checked as a possible secret file). */
export const reads: Analyser = (call, fx) => {
  for (const arg of call.args) fx.read(arg);
  return 'read_only';
};

/** Prints or tests something; arguments are not files. */
export const inert: Analyser = () => 'read_only';

/** A shell builtin that changes the shell's own state only (`set -e`, `export X=1`). */
export const shellState: Analyser = () => 'safe';

export const cd: Analyser = (call, fx) => {
  const target = call.args.find((a) => a.value === null || !a.value.startsWith('-'));
  if (!target) fx.cwd = fx.home;
  else if (target.value === '-' || target.value === null || target.expands) fx.cwd = null;
  else fx.cwd = fx.path(target);
  return 'safe';
};

/** Writes every operand (`touch`, `mkdir`, `truncate`). */
export function writesOperands(
  spec: { short?: string; long?: string[]; skipFirst?: boolean } = {},
): Analyser {
  return (call, fx) => {
    const parsed = parseOptions(call.args, spec);
    const operands = spec.skipFirst ? parsed.operands.slice(1) : parsed.operands;
    for (const word of operands) fx.write(word);
    return operands.every((w) => inside(fx, w)) ? 'safe' : 'unknown';
  };
}

export function inside(fx: Findings, word: Word): boolean {
  const path = fx.path(word);
  return path !== null && fx.inside(path);
}

export const rm: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args);
  const recursive = has(parsed, '-r', '-R', '--recursive');
  for (const word of parsed.operands) {
    if (recursive) fx.deleteTree(word);
    else fx.write(word);
  }
  return 'safe';
};

export const rmdir: Analyser = (call, fx) => {
  for (const word of parseOptions(call.args).operands) fx.write(word);
  return 'safe';
};

/** `cp`, `mv`, `install`, `ln`: the destination (last operand or -t DIR) is written; sources are read. */
export function copies(kind: 'cp' | 'mv' | 'install' | 'ln'): Analyser {
  return (call, fx) => {
    const parsed = parseOptions(call.args, {
      short: kind === 'install' ? 'tmogS' : 'tS',
      long: [
        'target-directory',
        'suffix',
        'mode',
        'owner',
        'group',
        'backup',
        'reflink',
        'sparse',
        'preserve',
      ],
    });
    const targetDir = valuesOf(parsed, '-t', '--target-directory')[0];
    const sources = targetDir ? parsed.operands : parsed.operands.slice(0, -1);
    const destination = targetDir ?? parsed.operands.at(-1);
    if (!destination) return 'unknown';
    fx.write(destination);
    for (const source of sources) {
      fx.read(source);
      // A move removes its source; a link made from outside the workspace is a way out of it.
      if (kind === 'mv') fx.write(source);
    }
    if (kind === 'ln')
      return linkStaysInside(
        fx,
        parsed.options.some((o) => o.name === '-s' || o.name === '--symbolic'),
        sources,
        destination,
      );
    const all = [destination, ...(kind === 'mv' ? sources : [])];
    return all.every((w) => inside(fx, w)) ? 'safe' : 'unknown';
  };
}

/** A link inside the workspace that leads outside it is a way out: only links within it are safe. */
function linkStaysInside(
  fx: Findings,
  symbolic: boolean,
  sources: readonly Word[],
  destination: Word,
): Verdict {
  const linkPath = fx.path(destination);
  if (linkPath === null || !fx.inside(linkPath) || sources.length !== 1) return 'unknown';
  const target = (sources[0] as Word).value;
  if (target === null) return 'unknown';
  const base =
    symbolic && !target.startsWith('/')
      ? sources.length === 1 && isDirectoryLike(destination)
        ? linkPath
        : dirname(linkPath)
      : (fx.cwd ?? fx.workspace);
  const resolved = resolvePath(target, base, fx.home);
  return fx.inside(resolved) ? 'safe' : 'unknown';
}

function isDirectoryLike(word: Word): boolean {
  return word.value?.endsWith('/') === true;
}

export const tee: Analyser = (call, fx) => {
  for (const word of parseOptions(call.args).operands) fx.write(word);
  return 'safe';
};

export const dd: Analyser = (call, fx) => {
  for (const arg of call.args) {
    const value = arg.value;
    if (value === null) fx.opaque('a dd operand is computed at run time');
    else if (value.startsWith('of=')) fx.write({ ...arg, value: value.slice(3) });
    else if (value.startsWith('if=')) fx.read({ ...arg, value: value.slice(3) });
  }
  return 'safe';
};

/** chmod/chown/chgrp: the first operand is the mode or owner (unless given by --reference). */
export const changesAttributes: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args);
  const byReference = parsed.options.some((o) => o.name === '--reference');
  const targets = byReference ? parsed.operands : parsed.operands.slice(1);
  for (const word of targets) fx.write(word);
  return targets.every((w) => inside(fx, w)) ? 'safe' : 'unknown';
};

/**
 * sed: in-place editing writes its files; a script using `e` (run a command), `w`/`W` (write a file)
 * or `r`/`R` is only trusted when it is plainly made of print/delete/substitute/quit commands.
 */
export const sed: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, { short: 'efl', long: ['expression', 'file', 'line-length'] });
  const inPlace = parsed.options.some((o) => o.name === '-i' || o.name === '--in-place');
  const scripts = valuesOf(parsed, '-e', '--expression');
  const files = [...parsed.operands];
  if (valuesOf(parsed, '-f', '--file').length > 0) fx.opaque('sed reads its script from a file');
  else if (scripts.length === 0 && files.length > 0) scripts.push(files.shift() as Word);
  for (const script of scripts)
    if (!plainSedScript(script.value)) fx.opaque('a sed script that may run commands or write files');
  for (const file of files) {
    if (inPlace) fx.write(file);
    else fx.read(file);
  }
  return inPlace ? 'safe' : 'read_only';
};

const SED_COMMAND =
  /^\s*(?:(?:\d+|\$|\/(?:[^/\\]|\\.)*\/)(?:\s*,\s*(?:\d+|\$|\/(?:[^/\\]|\\.)*\/))?)?\s*!?\s*(?:[pdqQ=nNgGhHxDP]|s(.)(?:(?!\1)[^\\]|\\.)*\1(?:(?!\1)[^\\]|\\.)*\1[gpiImM0-9]*|y(.)(?:(?!\2).)*\2(?:(?!\2).)*\2)?\s*$/s;

function plainSedScript(script: string | null): boolean {
  if (script === null) return false;
  return script.split(/[;\n]/).every((part) => SED_COMMAND.test(part));
}

/** awk programs can run commands (`system`, pipes) and write files (`print > f`). */
export const awk: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, { short: 'fvF', long: ['file', 'assign', 'field-separator'] });
  if (valuesOf(parsed, '-f', '--file').length > 0) {
    fx.opaque('awk reads its program from a file');
    return 'unknown';
  }
  const [program, ...files] = parsed.operands;
  const text = program?.value ?? null;
  if (text === null || /system\s*\(|getline|print[^;{}]*(>|\|)|close\s*\(|fflush/.test(text))
    fx.opaque('an awk program that may run commands or write files');
  for (const file of files) fx.read(file);
  return 'read_only';
};

/** sort -o FILE writes; uniq's second operand is its output. */
export const sort: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, {
    short: 'oktSTz',
    long: ['output', 'key', 'field-separator', 'buffer-size', 'temporary-directory'],
  });
  for (const out of valuesOf(parsed, '-o', '--output')) fx.write(out);
  for (const file of parsed.operands) fx.read(file);
  return valuesOf(parsed, '-o', '--output').length > 0 ? 'safe' : 'read_only';
};

export const uniq: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, {
    short: 'fsw',
    long: ['skip-fields', 'skip-chars', 'check-chars'],
  });
  const [input, output] = parsed.operands;
  if (input) fx.read(input);
  if (output) fx.write(output);
  return output ? 'safe' : 'read_only';
};

/** find: -delete and -exec rm delete trees; -exec runs a command; -fprint writes a file. */
export const find: Analyser = (call, fx) => {
  const args = call.args;
  let i = 0;
  const roots: Word[] = [];
  while (i < args.length) {
    const value = args[i]?.value;
    if (value === null || value === undefined) {
      roots.push(args[i] as Word);
      i++;
      continue;
    }
    if (value.startsWith('-') || value === '(' || value === '!') break;
    roots.push(args[i] as Word);
    i++;
  }
  if (roots.length === 0) roots.push({ value: '.', expands: false, substitutions: [] });
  let verdict: Verdict = 'read_only';
  for (; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === '-delete') {
      for (const root of roots) fx.deleteTree(root, { workspaceRootIsOutside: !filtered(args) });
      verdict = worse(verdict, 'safe');
    } else if (value === '-exec' || value === '-execdir' || value === '-ok' || value === '-okdir') {
      const end = args.findIndex((a, j) => j > i && (a.value === ';' || a.value === '+'));
      const stop = end === -1 ? args.length : end;
      const argv = args.slice(i + 1, stop);
      const program = argv[0]?.value;
      if (program === 'rm' || program === 'unlink' || program === 'shred' || program === 'rmdir') {
        for (const root of roots) fx.deleteTree(root, { workspaceRootIsOutside: !filtered(args) });
        fx.run([argv[0] as Word], { redirects: [], substituted: call.substituted, assignments: [] });
        verdict = worse(verdict, 'safe');
      } else {
        // `{}` stands for each file found under the roots.
        const substituted = argv.map((a) => (a.value?.includes('{}') ? { ...a, value: null } : a));
        verdict = worse(
          verdict,
          fx.run(substituted, { redirects: [], substituted: call.substituted, assignments: [] }).verdict,
        );
      }
      i = stop;
    } else if (value === '-fprint' || value === '-fprint0' || value === '-fprintf' || value === '-fls') {
      const target = args[i + 1];
      if (target) fx.write(target);
      verdict = worse(verdict, 'safe');
      i++;
    }
  }
  return verdict;
};

/** Tests that narrow what find matches: `find . -name '*.pyc' -delete` is not the whole tree. */
const FIND_TESTS = new Set([
  '-name',
  '-iname',
  '-path',
  '-ipath',
  '-wholename',
  '-iwholename',
  '-regex',
  '-iregex',
  '-type',
  '-newer',
  '-mtime',
  '-mmin',
  '-ctime',
  '-cmin',
  '-atime',
  '-amin',
  '-size',
  '-empty',
  '-perm',
  '-user',
  '-group',
  '-links',
  '-inum',
  '-samefile',
  '-lname',
  '-ilname',
]);

function filtered(args: readonly Word[]): boolean {
  return args.some((a) => a.value !== null && FIND_TESTS.has(a.value));
}

export function worse(a: Verdict, b: Verdict): Verdict {
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  if (a === 'safe' || b === 'safe') return 'safe';
  return 'read_only';
}

/** Archives: extraction writes under -C, creation writes the archive; some options run programs. */
export const tar: Analyser = (call, fx) => {
  const raw = call.args.map((a) => a.value ?? '').join(' ');
  if (
    /to-command|use-compress-program|checkpoint-action|info-script|new-volume-script|rsh-command|(^|\s)-[A-Za-z]*[IF]/.test(
      raw,
    )
  ) {
    fx.opaque('a tar option that runs a program');
    return 'unknown';
  }
  const first = call.args[0]?.value ?? '';
  const args =
    first !== '' && !first.startsWith('-')
      ? [{ ...(call.args[0] as Word), value: `-${first}` }, ...call.args.slice(1)]
      : call.args;
  const parsed = parseOptions(args, {
    short: 'fCTXb',
    long: ['file', 'directory', 'files-from', 'exclude-from'],
  });
  const creates = has(parsed, '-c', '-r', '-u', '-A', '--create', '--append', '--update');
  const lists = has(parsed, '-t', '--list');
  for (const dir of valuesOf(parsed, '-C', '--directory')) if (!lists) fx.write(dir);
  for (const file of valuesOf(parsed, '-f', '--file').filter((f) => f.value !== '-')) {
    if (creates) fx.write(file);
    else fx.read(file);
  }
  if (creates) for (const file of parsed.operands) fx.read(file);
  return lists ? 'read_only' : 'safe';
};

export const unzip: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, { short: 'dxP', long: [] });
  for (const dir of valuesOf(parsed, '-d')) fx.write(dir);
  if (has(parsed, '-l', '-t', '-v')) return 'read_only';
  return 'safe';
};
