/**
 * Commands that run other commands or code: wrappers (`env`, `sudo`, `xargs`, `timeout`, …) are looked
 * through to the command they run; shells' `-c` strings are parsed like the command line itself;
 * other interpreters' inline code (`python -c`, `node -e`, `perl -e`) cannot be read and is opaque; a
 * script file inside the workspace is trusted like `make` (its contents are not read).
 */
import type { Word } from '../../shell/words.js';
import type { Analyser, Call, Findings, Outcome } from '../findings.js';
import { has, type OptionSpec, parseOptions, valuesOf } from '../options.js';

function runRest(
  call: Call,
  fx: Findings,
  rest: readonly Word[],
  emptyVerdict: Outcome['verdict'] = 'read_only',
): Outcome {
  if (rest.length === 0) return { verdict: emptyVerdict };
  return fx.run(rest, { redirects: call.redirects, substituted: call.substituted, assignments: [] });
}

/** A wrapper whose options are followed by the command it runs. */
export function wrapper(spec: OptionSpec & { skipOperands?: number } = {}): Analyser {
  return (call, fx) => {
    const parsed = parseOptions(call.args, { ...spec, stopAtOperand: true });
    return runRest(call, fx, parsed.rest.slice(spec.skipOperands ?? 0));
  };
}

export const env: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, {
    short: 'uCS',
    long: ['unset', 'chdir', 'split-string'],
    stopAtOperand: true,
  });
  if (has(parsed, '-S', '--split-string')) {
    fx.opaque('env -S splits a string into a command');
    return { verdict: 'unknown' };
  }
  const chdir = valuesOf(parsed, '-C', '--chdir')[0];
  if (chdir) fx.cwd = fx.path(chdir);
  let rest = parsed.rest;
  while (rest[0]?.value?.includes('=') && !rest[0].value.startsWith('=')) {
    const name = rest[0].value.slice(0, rest[0].value.indexOf('='));
    if (fx.dangerousAssignment(name)) fx.opaque(`the command sets ${name}`);
    rest = rest.slice(1);
  }
  return runRest(call, fx, rest);
};

export const sudo: Analyser = (call, fx) => {
  fx.privileged();
  const parsed = parseOptions(call.args, {
    short: 'ugpCDhrtUT',
    long: [
      'user',
      'group',
      'prompt',
      'chdir',
      'host',
      'role',
      'type',
      'other-user',
      'command-timeout',
      'close-from',
    ],
    stopAtOperand: true,
  });
  if (has(parsed, '-i', '-s', '--login', '--shell') && parsed.rest.length === 0) {
    fx.opaque('a privileged interactive shell');
    return { verdict: 'unknown' };
  }
  const { stage } = runRest(call, fx, parsed.rest);
  return stage ? { verdict: 'unknown', stage } : { verdict: 'unknown' };
};

export const su: Analyser = (call, fx) => {
  fx.privileged();
  const parsed = parseOptions(call.args, {
    short: 'cgGs',
    long: ['command', 'group', 'supp-group', 'shell'],
  });
  const code = valuesOf(parsed, '-c', '--command')[0];
  if (code?.value != null) fx.source(code.value);
  else fx.opaque('su without a literal command');
  return { verdict: 'unknown' };
};

export const command: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, { stopAtOperand: true });
  if (has(parsed, '-v', '-V')) return { verdict: 'read_only' };
  return runRest(call, fx, parsed.rest);
};

export const exec: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, { short: 'a', stopAtOperand: true });
  return runRest(call, fx, parsed.rest, 'safe');
};

export const timeout: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, {
    short: 'sk',
    long: ['signal', 'kill-after'],
    stopAtOperand: true,
  });
  return runRest(call, fx, parsed.rest.slice(1));
};

export const xargs: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, {
    short: 'IiLlnPsdEeaR',
    long: ['replace', 'max-lines', 'max-args', 'max-procs', 'max-chars', 'delimiter', 'eof', 'arg-file'],
    stopAtOperand: true,
  });
  for (const file of valuesOf(parsed, '-a', '--arg-file')) fx.read(file);
  const dynamic: Word = { value: null, expands: false, substitutions: [] };
  const rest =
    parsed.rest.length === 0 ? [{ value: 'echo', expands: false, substitutions: [] }] : parsed.rest;
  const replace = valuesOf(parsed, '-I', '-i', '--replace')[0]?.value;
  const argv = replace ? rest.map((w) => (w.value?.includes(replace) ? dynamic : w)) : [...rest, dynamic];
  return runRest(call, fx, argv);
};

/** `watch 'cmd'` and `flock FILE cmd` hand a command line to a shell. */
export const watch: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, {
    short: 'nd',
    long: ['interval', 'differences'],
    stopAtOperand: true,
  });
  const words = parsed.rest.map((w) => w.value);
  if (words.some((w) => w === null)) fx.opaque('watch runs a command computed at run time');
  else if (words.length > 0) fx.source(words.join(' '));
  return { verdict: 'safe' };
};

export const trap: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args);
  if (has(parsed, '-l', '-p') || parsed.operands.length < 2) return 'read_only';
  const code = parsed.operands[0] as Word;
  if (code.value === null) fx.opaque('a trap runs code computed at run time');
  else if (code.value !== '' && code.value !== '-') fx.source(code.value);
  return 'safe';
};

export const evalCommand: Analyser = (call, fx) => {
  fx.codeFrom(call.substituted);
  const words = call.args.map((w) => w.value);
  fx.opaque('eval runs a string as a command');
  if (words.every((w) => w !== null)) fx.source(words.join(' '));
  return 'unknown';
};

export const source: Analyser = (call, fx) => {
  fx.codeFrom(call.substituted);
  const file = call.args[0];
  if (!file) return 'unknown';
  if (file.value === '/dev/stdin' || file.value === '-' || file.value === '/proc/self/fd/0')
    return { verdict: 'unknown', stage: { stdinCode: 'shell' } };
  if (file.value === null && file.substitutions.length > 0) {
    fx.opaque('a script from a process substitution');
    return 'unknown';
  }
  return fx.runFile(file, 'shell');
};

const SHELL_SPEC: OptionSpec = { short: 'oO', long: ['rcfile', 'init-file'] };

/** sh/bash/zsh/dash/ksh: `-c STRING` is parsed; a script file is run; nothing else reads stdin. */
export const shell: Analyser = (call, fx) => {
  fx.codeFrom(call.substituted);
  const args = call.args;
  let i = 0;
  let inline = false;
  let fromStdin = false;
  for (; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined) break;
    if (value === '--' || value === '-') {
      i++;
      if (value === '-') fromStdin = true;
      break;
    }
    if (!/^[-+]/.test(value)) break;
    if (value.startsWith('--')) {
      if ((SHELL_SPEC.long ?? []).includes(value.slice(2))) i++;
      continue;
    }
    if (/^[-+][A-Za-z]*[oO]$/.test(value)) i++;
    if (value.startsWith('-') && value.includes('c')) inline = true;
    if (value.startsWith('-') && value.includes('s')) fromStdin = true;
  }
  if (inline) {
    const code = args[i];
    if (!code) return 'unknown';
    if (code.value === null) {
      if (!call.substituted.downloads && !call.substituted.decodes)
        fx.opaque('a shell runs a string computed at run time');
      return 'unknown';
    }
    fx.source(code.value);
    return 'safe';
  }
  const script = args[i];
  if (fromStdin || !script) return { verdict: 'safe', stage: { stdinCode: 'shell' } };
  if (script.value === null && script.substitutions.length > 0) {
    if (!call.substituted.downloads && !call.substituted.decodes)
      fx.opaque('a shell runs a process substitution');
    return 'unknown';
  }
  return fx.runFile(script, 'shell');
};

/** Modules `python -m` may run without a prompt: test runners, linters, packaging, virtualenvs. */
const SAFE_PYTHON_MODULES = new Set([
  'pytest',
  'unittest',
  'pip',
  'venv',
  'virtualenv',
  'mypy',
  'black',
  'isort',
  'ruff',
  'flake8',
  'pylint',
  'build',
  'coverage',
  'json.tool',
  'compileall',
  'doctest',
  'pyright',
  'tox',
  'nox',
  'py_compile',
  'timeit',
  'pydoc',
]);

interface InterpreterSpec {
  /** Options whose value is inline code. */
  code: string[];
  /** Options that take some other value. */
  valued?: OptionSpec;
  /** Option naming a module to run (`python -m`). */
  module?: string;
  /** Options that only print something (version, help). */
  printOnly?: string[];
}

export function interpreter(spec: InterpreterSpec): Analyser {
  return (call, fx) => {
    fx.codeFrom(call.substituted);
    const parsed = parseOptions(call.args, {
      ...spec.valued,
      short: `${spec.valued?.short ?? ''}${spec.code
        .filter((c) => c.length === 2)
        .map((c) => c[1])
        .join('')}${spec.module ? spec.module[1] : ''}`,
      long: [
        ...(spec.valued?.long ?? []),
        ...spec.code.filter((c) => c.startsWith('--')).map((c) => c.slice(2)),
      ],
      stopAtOperand: true,
    });
    if (parsed.options.some((o) => spec.code.includes(o.name))) {
      if (!call.substituted.downloads && !call.substituted.decodes)
        fx.opaque(`${call.name} runs inline code the hook cannot read`);
      return 'unknown';
    }
    if (spec.module) {
      const module = valuesOf(parsed, spec.module)[0];
      if (module) return module.value !== null && SAFE_PYTHON_MODULES.has(module.value) ? 'safe' : 'unknown';
    }
    if (parsed.options.some((o) => spec.printOnly?.includes(o.name)) && parsed.rest.length === 0)
      return 'read_only';
    const script = parsed.rest[0];
    if (!script || script.value === '-') return { verdict: 'unknown', stage: { stdinCode: 'other' } };
    if (script.value === null && script.substitutions.length > 0) {
      if (!call.substituted.downloads && !call.substituted.decodes)
        fx.opaque(`${call.name} runs a process substitution`);
      return 'unknown';
    }
    if (script.value !== null && /^[a-z]+:\/\//i.test(script.value)) {
      fx.egress(script);
      fx.set('pipe_to_interpreter');
      return 'unknown';
    }
    return fx.runFile(script, 'other');
  };
}

export const python = interpreter({
  code: ['-c'],
  module: '-m',
  valued: { short: 'WXQ' },
  printOnly: ['-V', '--version', '-h', '--help'],
});

export const node = interpreter({
  code: ['-e', '--eval', '-p', '--print'],
  valued: {
    short: 'r',
    long: ['require', 'import', 'loader', 'experimental-loader', 'env-file', 'input-type', 'conditions'],
  },
  printOnly: ['-v', '--version', '-h', '--help'],
});

export const perl = interpreter({
  code: ['-e', '-E'],
  valued: { short: 'IMmx' },
  printOnly: ['-v', '-V', '--version'],
});

export const ruby = interpreter({
  code: ['-e'],
  valued: { short: 'IrCE' },
  printOnly: ['-v', '--version'],
});

export const php = interpreter({
  code: ['-r', '-R', '-B', '-E'],
  valued: { short: 'cdz' },
  printOnly: ['-v', '--version'],
});

/** Interpreters the hook knows nothing about: their code is never read. */
export const opaqueInterpreter: Analyser = (call, fx) => {
  fx.codeFrom(call.substituted);
  if (call.args.some((a) => a.value === '--version' || a.value === '-v') && call.args.length === 1)
    return 'read_only';
  fx.opaque(`${call.name} runs code the hook cannot read`);
  return { verdict: 'unknown', stage: { stdinCode: 'other' } };
};

/** `busybox rm …`, `toybox rm …`: the first operand is the applet. */
export const multiCall: Analyser = (call, fx) => runRest(call, fx, call.args, 'read_only');

/** Commands that print their operands; piped to a shell, a literal echo is read as that script. */
export const echo: Analyser = (call) => {
  const words = call.args.map((w) => w.value);
  const literal = words.every((w) => w !== null) ? (words as string[]) : null;
  if (literal && literal[0] === '-e') return { verdict: 'read_only', stage: { decodes: true } };
  const text = literal ? literal.filter((w, i) => !(i === 0 && /^-[nE]+$/.test(w))).join(' ') : null;
  return { verdict: 'read_only', stage: { literalOutput: text } };
};

export const printf: Analyser = (call) => {
  const format = call.args[0]?.value ?? null;
  if (format !== null && call.args.length === 1 && !/[\\%]/.test(format))
    return { verdict: 'read_only', stage: { literalOutput: format } };
  return { verdict: 'read_only', stage: { decodes: true } };
};

/** Decoders: what they print is not what was written, so piping it into an interpreter hides code. */
export const decoder: Analyser = (call, fx) => {
  for (const arg of call.args) fx.read(arg);
  return { verdict: 'read_only', stage: { decodes: true } };
};

export const base64: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, { short: 'iow', long: ['input', 'output', 'wrap'] });
  for (const out of valuesOf(parsed, '-o', '--output')) fx.write(out);
  for (const file of [...parsed.operands, ...valuesOf(parsed, '-i', '--input')]) fx.read(file);
  const decodes = has(parsed, '-d', '-D', '--decode');
  return { verdict: 'read_only', stage: { decodes } };
};

export const xxd: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, { short: 'cglnosC', long: [] });
  const [input, output] = parsed.operands;
  if (input) fx.read(input);
  if (output) fx.write(output);
  return { verdict: output ? 'safe' : 'read_only', stage: { decodes: has(parsed, '-r') } };
};
