/**
 * The catalogue: every command the hook knows, with the analyser that reads its arguments. A command
 * that is not here is unknown — never read-only, never known-safe — so the pack asks before it runs.
 */
import type { Analyser } from '../findings.js';
import {
  bun,
  bunx,
  compiler,
  docker,
  gh,
  make,
  npm,
  npx,
  pipCommand,
  pnpm,
  runner,
  subcommands,
  tool,
  uvx,
  yarn,
} from './dev-tools.js';
import {
  base64,
  command,
  decoder,
  echo,
  env,
  evalCommand,
  exec,
  multiCall,
  node,
  opaqueInterpreter,
  perl,
  php,
  printf,
  python,
  ruby,
  shell,
  source,
  su,
  sudo,
  timeout,
  trap,
  watch,
  wrapper,
  xargs,
  xxd,
} from './exec.js';
import {
  awk,
  cd,
  changesAttributes,
  copies,
  dd,
  find,
  inert,
  reads,
  rm,
  rmdir,
  sed,
  shellState,
  sort,
  tar,
  tee,
  uniq,
  unzip,
  writesOperands,
} from './files.js';
import { git } from './git.js';
import { curl, remote, rsync, wget } from './network.js';

const READERS = [
  'cat',
  'head',
  'tail',
  'less',
  'more',
  'wc',
  'grep',
  'egrep',
  'fgrep',
  'rg',
  'ag',
  'ack',
  'ls',
  'tree',
  'stat',
  'file',
  'du',
  'df',
  'diff',
  'cmp',
  'comm',
  'cut',
  'nl',
  'rev',
  'tac',
  'fold',
  'fmt',
  'column',
  'paste',
  'join',
  'expand',
  'unexpand',
  'od',
  'hexdump',
  'strings',
  'md5sum',
  'sha1sum',
  'sha256sum',
  'sha512sum',
  'shasum',
  'cksum',
  'b2sum',
  'jq',
  'realpath',
  'readlink',
  'basename',
  'dirname',
  'fd',
  'fdfind',
  'bat',
  'exa',
  'eza',
  'lsof',
  'wc',
  'look',
  'pr',
  'tsort',
  'numfmt',
  'iconv',
  'csplit',
  'man',
  'info',
];

const INERT = [
  'pwd',
  'true',
  'false',
  'test',
  '[',
  'which',
  'type',
  'whereis',
  'whoami',
  'id',
  'groups',
  'uname',
  'hostname',
  'date',
  'uptime',
  'ps',
  'pgrep',
  'free',
  'nproc',
  'arch',
  'printenv',
  'locale',
  'tty',
  'sleep',
  'seq',
  'expr',
  'cal',
  'help',
  'history',
  'tr',
  'yes',
  ':',
  'clear',
  'hash',
  'jobs',
  'wait',
  'read',
  'shift',
  'getopts',
  'let',
  'exit',
  'return',
  'break',
  'continue',
  'tput',
  'stty',
  'netstat',
  'ss',
  'top',
  'htop',
  'vmstat',
  'iostat',
  'sw_vers',
  'lsb_release',
  'getconf',
  'mktemp',
  'dirs',
];

const SHELL_STATE = [
  'set',
  'shopt',
  'export',
  'declare',
  'typeset',
  'local',
  'readonly',
  'unset',
  'pushd',
  'popd',
  'umask',
  'ulimit',
];

/** Build tools, test runners, linters and formatters trusted by rule (see dev-tools.ts). */
const TOOLS = [
  'tsc',
  'vite',
  'vitest',
  'jest',
  'mocha',
  'ava',
  'eslint',
  'prettier',
  'biome',
  'tsup',
  'esbuild',
  'rollup',
  'webpack',
  'turbo',
  'nx',
  'pytest',
  'py.test',
  'tox',
  'nox',
  'ruff',
  'black',
  'isort',
  'flake8',
  'pylint',
  'mypy',
  'pyright',
  'coverage',
  'rustfmt',
  'gofmt',
  'goimports',
  'golangci-lint',
  'staticcheck',
  'clang-format',
  'shfmt',
  'shellcheck',
  'stylelint',
  'rubocop',
  'rspec',
  'phpunit',
  'pest',
  'ctest',
  'ninja',
  'meson',
  'cmake',
  'gradle',
  'mvn',
  'ant',
  'sbt',
  'bazel',
  'bazelisk',
  'swiftlint',
  'swiftformat',
  'ktlint',
  'hadolint',
  'actionlint',
  'yamllint',
  'markdownlint',
  'codespell',
  'pre-commit',
  'playwright',
  'tflint',
  'buf',
  'dotnet',
  'mix',
  'rebar3',
  'stack',
  'cabal',
  'dart',
  'flutter',
  'zig',
  'elm',
  'typos',
  'taplo',
  'xcodebuild',
  'gotestsum',
  'hyperfine',
  'bats',
  'behave',
  'cypress',
  'storybook',
  'changeset',
  'knip',
  'publint',
  'typedoc',
  'lefthook',
  'husky',
  'nodemon',
];

const COMPILERS = [
  'gcc',
  'g++',
  'cc',
  'c++',
  'clang',
  'clang++',
  'rustc',
  'javac',
  'kotlinc',
  'scalac',
  'swiftc',
  'ghc',
];

const SHELLS = ['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh', 'rbash'];

const OTHER_INTERPRETERS = [
  'lua',
  'luajit',
  'Rscript',
  'R',
  'tclsh',
  'wish',
  'pwsh',
  'powershell',
  'osascript',
  'irb',
  'expect',
  'gawk-exec',
  'java',
  'jshell',
  'groovy',
  'scala',
  'julia',
  'guile',
  'racket',
  'sbcl',
  'clisp',
  'ghci',
  'erl',
  'elixir',
  'iex',
  'swift',
  'kotlin',
  'jrunscript',
  'gdb',
  'lldb',
  'vim',
  'vi',
  'nvim',
  'emacs',
  'ed',
  'ex',
  'nano',
  'busybox-sh',
  'node-repl',
  'ipython',
  'jupyter',
  'sqlite3',
  'psql',
  'mysql',
  'redis-cli',
  'mongosh',
  'ftp',
  'tmux',
  'screen',
];

const DECODERS = [
  'uudecode',
  'gunzip',
  'zcat',
  'bzcat',
  'xzcat',
  'unxz',
  'zstdcat',
  'openssl',
  'gpg',
  'base32',
  'basenc',
  'rot13',
  'uncompress',
  'lz4cat',
];

function table(): Map<string, Analyser> {
  const catalogue = new Map<string, Analyser>();
  const add = (names: readonly string[], analyser: Analyser) => {
    for (const name of names) catalogue.set(name, analyser);
  };
  add(READERS, reads);
  add(INERT, inert);
  add(SHELL_STATE, shellState);
  add(['cd'], cd);
  add(['echo'], echo);
  add(['printf'], printf);
  add(['env'], env);
  add(['sudo', 'doas', 'pkexec', 'run0'], sudo);
  add(['su'], su);
  add(['command', 'builtin'], command);
  add(['exec'], exec);
  add(['nohup', 'time', 'unbuffer', 'setsid', 'caffeinate', 'xvfb-run'], wrapper());
  add(['nice'], wrapper({ short: 'n', long: ['adjustment'] }));
  add(['ionice'], wrapper({ short: 'cnpPt', long: ['class', 'classdata', 'pid', 'pgid', 'uid'] }));
  add(['stdbuf'], wrapper({ short: 'ioe', long: ['input', 'output', 'error'] }));
  add(['timeout', 'gtimeout'], timeout);
  add(['taskset', 'chrt'], wrapper({ skipOperands: 1 }));
  add(['xargs'], xargs);
  add(['watch'], watch);
  add(['trap'], trap);
  add(['eval'], evalCommand);
  add(['source', '.'], source);
  add(SHELLS, shell);
  add(['busybox', 'toybox'], multiCall);
  add(['python', 'python2', 'python3', 'pypy', 'pypy3'], python);
  add(['node', 'nodejs', 'tsx', 'ts-node'], node);
  add(
    ['deno'],
    subcommands(
      ['test', 'fmt', 'lint', 'check', 'task', 'bench', 'doc', 'compile', 'cache'],
      ['info', '--version'],
    ),
  );
  add(['perl'], perl);
  add(['ruby'], ruby);
  add(['php'], php);
  add(OTHER_INTERPRETERS, opaqueInterpreter);
  add(['awk', 'gawk', 'mawk', 'nawk'], awk);
  add(['sed', 'gsed'], sed);
  add(['sort'], sort);
  add(['uniq'], uniq);
  add(['find', 'gfind'], find);
  add(['rm', 'unlink', 'shred'], rm);
  add(['rmdir'], rmdir);
  add(['cp'], copies('cp'));
  add(['mv'], copies('mv'));
  add(['install'], copies('install'));
  add(['ln'], copies('ln'));
  add(
    ['touch', 'mkdir', 'truncate'],
    writesOperands({ short: 'mrdts', long: ['mode', 'reference', 'date', 'size'] }),
  );
  add(['chmod', 'chown', 'chgrp'], changesAttributes);
  add(['tee'], tee);
  add(['dd'], dd);
  add(['tar', 'gtar', 'bsdtar'], tar);
  add(['unzip'], unzip);
  add(['zip', 'gzip', 'bzip2', 'xz', 'zstd'], writesOperands({ short: 'bnSFiot' }));
  add(['base64'], base64);
  add(['xxd'], xxd);
  add(DECODERS, decoder);
  add(['curl'], curl);
  add(['wget'], wget);
  add(['ssh', 'mosh'], remote('ssh'));
  add(['scp', 'sftp'], remote('copy'));
  add(['nc', 'ncat', 'netcat', 'socat', 'telnet'], remote('socket'));
  add(['rsync'], rsync);
  add(['git'], git);
  add(['npm'], npm);
  add(['npx', 'pnpx'], npx);
  add(['pnpm'], pnpm);
  add(['yarn'], yarn);
  add(['bun'], bun);
  add(['bunx'], bunx);
  add(['pip', 'pip3'], pipCommand);
  add(
    ['uv'],
    runner(
      ['sync', 'add', 'remove', 'lock', 'venv', 'tree', 'export', 'init', 'build', 'version'],
      ['--version'],
    ),
  );
  add(['uvx'], uvx);
  add(
    ['poetry'],
    runner(
      ['install', 'add', 'remove', 'lock', 'update', 'build', 'check', 'sync', 'init', 'new'],
      ['show', 'version', 'env', '--version'],
    ),
  );
  add(
    ['pipenv'],
    runner(['install', 'lock', 'sync', 'uninstall', 'clean', 'update'], ['graph', 'check', '--version']),
  );
  add(['hatch'], runner(['build', 'test', 'fmt', 'version', 'env'], []));
  add(
    ['cargo'],
    subcommands(
      [
        'build',
        'b',
        'check',
        'c',
        'test',
        't',
        'run',
        'r',
        'bench',
        'doc',
        'fmt',
        'clippy',
        'clean',
        'update',
        'add',
        'remove',
        'fetch',
        'fix',
        'new',
        'init',
        'generate-lockfile',
        'vendor',
        'nextest',
        'llvm-cov',
        'expand',
        'tarpaulin',
        'audit',
        'deny',
        'machete',
      ],
      ['tree', 'metadata', 'locate-project', 'version', 'search', 'pkgid', 'verify-project', 'read-manifest'],
      { short: 'pZ', long: ['manifest-path', 'package', 'target-dir', 'color', 'features', 'target'] },
    ),
  );
  add(
    ['go'],
    subcommands(
      ['build', 'test', 'vet', 'fmt', 'run', 'mod', 'generate', 'get', 'clean', 'work', 'tool', 'fix'],
      ['list', 'version', 'doc', 'help'],
    ),
  );
  add(['make', 'gmake'], make);
  add(
    ['rake', 'bundle'],
    subcommands(
      ['exec', 'install', 'test', 'spec', 'build', 'update', 'check', 'lock', 'add', 'default'],
      ['list', 'show', 'outdated', '--version'],
    ),
  );
  add(
    ['kubectl'],
    subcommands(
      [],
      ['get', 'describe', 'logs', 'version', 'top', 'explain', 'api-resources', 'cluster-info'],
    ),
  );
  add(
    ['terraform', 'tofu'],
    subcommands(['fmt', 'init', 'validate', 'plan'], ['show', 'version', 'providers', 'graph']),
  );
  add(
    ['helm'],
    subcommands(
      ['lint', 'template', 'dependency'],
      ['list', 'status', 'version', 'show', 'search', 'history'],
    ),
  );
  add(['docker', 'podman'], docker);
  add(['gh'], gh);
  add(
    TOOLS,
    tool([
      '-o',
      '--output',
      '--out-file',
      '--outDir',
      '--outFile',
      '--out-dir',
      '--junitxml',
      '--cov-report',
    ]),
  );
  add(['gradlew', 'mvnw'], tool());
  add(COMPILERS, compiler);
  add(['swift'], subcommands(['build', 'test', 'run', 'package', 'format'], ['--version']));
  return catalogue;
}

const CATALOGUE = table();

export function lookup(name: string): Analyser | undefined {
  return CATALOGUE.get(name);
}
