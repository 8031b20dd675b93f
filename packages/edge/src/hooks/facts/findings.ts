/**
 * What one Bash command line does, collected while the walker visits its commands: each command is
 * looked up in the catalogue (commands.ts), whose analysers report reads, writes, deletes, network
 * destinations and code they cannot see into; this class turns those reports into facts.
 */
import { dirname } from 'node:path';
import { escapeUnsafe } from '../../text/controls.js';
import type { ShellParser } from '../shell/parser.js';
import {
  QUIET,
  type Redirect,
  type ShellVisitor,
  type SimpleCommand,
  type Stage,
  walk,
} from '../shell/walk.js';
import type { Word } from '../shell/words.js';
import { insideWorkspace, isHarmlessDevice, isSecretPath, resolvePath } from './paths.js';
import type { GitFact, ToolFacts } from './types.js';
import { hostOf, isInternalHost, type UrlScope } from './urls.js';

export type Verdict = 'read_only' | 'safe' | 'unknown';

export interface Outcome {
  verdict: Verdict;
  stage?: Partial<Stage>;
}

export interface Call {
  /** The command's base name (`/usr/bin/rm` → `rm`). */
  name: string;
  args: Word[];
  redirects: Redirect[];
  substituted: Stage;
  assignments: SimpleCommand['assignments'];
}

export type Analyser = (call: Call, fx: Findings) => Outcome | Verdict;

export interface FindingsScope extends UrlScope {
  workspace: string;
  home: string;
  parser: ShellParser;
  lookup: (name: string) => Analyser | undefined;
}

/** Variables whose value changes what later commands run or how words split. */
const DANGEROUS_VARIABLES = new Set([
  'PATH',
  'IFS',
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
  'LD_AUDIT',
  'DYLD_INSERT_LIBRARIES',
  'DYLD_LIBRARY_PATH',
  'BASH_ENV',
  'ENV',
  'PROMPT_COMMAND',
  'PS4',
  'SHELLOPTS',
  'BASHOPTS',
  'GLOBIGNORE',
  'CDPATH',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_EXEC_PATH',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG_COUNT',
  'GIT_PAGER',
  'GIT_EDITOR',
  'GIT_ASKPASS',
  'GIT_PROXY_COMMAND',
  'PAGER',
  'EDITOR',
  'VISUAL',
  'NODE_OPTIONS',
  'PYTHONSTARTUP',
  'PYTHONPATH',
  'PERL5OPT',
  'PERL5LIB',
  'RUBYOPT',
  'BROWSER',
]);

const MAX_DEPTH = 6;

/** Facts that keep a command line off the known-safe list whatever its commands are. */
const DANGER_FLAGS = [
  'pipe_to_interpreter',
  'decode_to_interpreter',
  'force_push',
  'recursive_delete_outside_workspace',
  'write_outside_workspace',
  'secret_write',
  'internal_url',
  'privileged',
] as const;

export class Findings implements ShellVisitor {
  cwd: string | null;
  readonly home: string;
  private depth = 0;
  private readonly commands: string[] = [];
  private readonly opaqueReasons = new Set<string>();
  private readOnly = true;
  private knownSafe = true;
  private readonly writes = new Set<string>();
  private readonly deletes = new Set<string>();
  private readonly egressHosts = new Set<string>();
  private readonly internalHosts = new Set<string>();
  private readonly downloaded = new Set<string>();
  private flags: ToolFacts = {};
  private gitFact: GitFact | undefined;

  constructor(private readonly scope: FindingsScope) {
    this.cwd = scope.workspace;
    this.home = scope.home;
  }

  get workspace(): string {
    return this.scope.workspace;
  }

  /** Walks a command line (or a `-c` string met inside one). */
  source(text: string): Stage {
    if (this.depth >= MAX_DEPTH) {
      this.opaque('shell code nested deeper than the hook follows');
      return QUIET;
    }
    this.depth++;
    try {
      return this.scope.parser.read(text, (root) => {
        if (!root) {
          this.opaque('the parser could not read the command');
          return QUIET;
        }
        if (root.hasError) this.opaque('the parser could not read part of the command');
        return walk(root, this);
      });
    } finally {
      this.depth--;
    }
  }

  // ShellVisitor

  opaque(reason: string): void {
    // A reason can name something the agent wrote (a variable name); it reaches people as text.
    this.opaqueReasons.add(escapeUnsafe(reason));
    this.readOnly = false;
    this.knownSafe = false;
  }

  dangerousAssignment(name: string): boolean {
    return DANGEROUS_VARIABLES.has(name) || name.startsWith('BASH_FUNC_');
  }

  stdinCode(kind: 'shell' | 'other', feed: Stage): void {
    if (feed.downloads) this.flags.pipe_to_interpreter = true;
    else if (feed.decodes) this.flags.decode_to_interpreter = true;
    else if (kind === 'shell' && feed.literalOutput !== null) this.source(feed.literalOutput);
    else this.opaque('an interpreter reads its program from a pipe');
  }

  command(command: SimpleCommand): Stage {
    for (const redirect of command.redirects) this.redirect(redirect);
    const outcome = this.run(command.argv, {
      redirects: command.redirects,
      substituted: command.substituted,
      assignments: command.assignments,
    });
    const stage = { ...QUIET, ...outcome.stage };
    if (stage.downloads) {
      // `curl … > x.sh` saves a download as surely as `curl -o x.sh`.
      for (const redirect of command.redirects)
        if (redirect.target && /^(>|>>|>\||&>|&>>)$/.test(redirect.operator))
          this.downloadedTo(redirect.target);
    }
    return this.ownInput(stage, command.redirects, command.substituted);
  }

  /** Evaluates argv as a command; wrappers (`env`, `sudo`, `xargs`, `find -exec`) call this again. */
  run(argv: readonly Word[], context: Omit<Call, 'name' | 'args'>): Outcome {
    const [head, ...args] = argv;
    if (!head) return { verdict: 'read_only' };
    if (head.value === null || head.expands || head.value === '') {
      this.opaque('a command name is computed at run time');
      return { verdict: 'unknown' };
    }
    const name = commandName(head.value);
    this.commands.push(name);
    const analyser = this.scope.lookup(name);
    let outcome: Outcome;
    if (head.value.includes('/') && !isSystemPath(head.value))
      outcome = { verdict: this.runFile(head, 'direct') };
    else if (analyser) {
      const result = analyser({ name, args, ...context }, this);
      outcome = typeof result === 'string' ? { verdict: result } : result;
    } else outcome = { verdict: 'unknown' };
    this.verdict(outcome.verdict);
    return outcome;
  }

  verdict(verdict: Verdict): void {
    if (verdict !== 'read_only') this.readOnly = false;
    if (verdict === 'unknown') this.knownSafe = false;
  }

  /** A command's own here-document, here-string or `<` file feeds its stdin, not the pipe. */
  private ownInput(stage: Stage, redirects: readonly Redirect[], substituted: Stage): Stage {
    const input = redirects.find((r) => r.heredoc !== null || r.herestring || r.operator === '<');
    if (stage.stdinCode) {
      if (substituted.downloads) this.flags.pipe_to_interpreter = true;
      else if (substituted.decodes) this.flags.decode_to_interpreter = true;
    }
    if (!input || !stage.stdinCode) return stage;
    if (input.heredoc !== null) {
      if (stage.stdinCode === 'shell') this.source(input.heredoc);
      else this.opaque('an interpreter reads its program from a here-document');
    } else if (input.herestring) {
      if (stage.stdinCode === 'shell' && input.target?.value != null) this.source(input.target.value);
      else this.opaque('an interpreter reads its program from a here-string');
    } else if (input.target) this.verdict(this.runFile(input.target, stage.stdinCode));
    return { ...stage, stdinCode: null };
  }

  private redirect(redirect: Redirect): void {
    const { operator, target } = redirect;
    if (!target || redirect.heredoc !== null || redirect.herestring) return;
    const value = target.value;
    if (value !== null && /^\/dev\/(tcp|udp)\//.test(value)) {
      const [, , , host = '', port = ''] = value.split('/');
      this.egress(`${host}:${port}`);
      return;
    }
    if (
      (operator === '>&' || operator === '<&' || operator === '&>') &&
      value !== null &&
      /^(-|[0-9]+)$/.test(value)
    )
      return;
    if (operator.includes('>')) this.write(target);
    else if (operator === '<') this.read(target);
  }

  // What analysers report

  path(word: Word): string | null {
    if (word.value === null) return null;
    let text = word.value;
    if (word.expands) {
      // A glob or brace writes somewhere under the directory before its first pattern character.
      const cut = text.search(/[*?[{]/);
      text = cut === -1 ? text : text.slice(0, cut);
      if (!text.endsWith('/')) text = dirname(`${text}x`);
    }
    if (this.cwd === null && !text.startsWith('/') && !text.startsWith('~')) return null;
    return resolvePath(text, this.cwd ?? this.scope.workspace, this.home);
  }

  inside(path: string): boolean {
    return insideWorkspace(path, this.scope.workspace);
  }

  read(word: Word): void {
    const value = word.value;
    if (value === null) return;
    for (const candidate of [value, value.replace(/^[^=]*=/, ''), value.replace(/^@/, '')]) {
      if (candidate !== '' && isSecretPath(candidate)) this.flags.secret_read = true;
      else if (candidate !== '' && !candidate.startsWith('-')) {
        const resolved = this.path({ ...word, value: candidate });
        if (resolved && isSecretPath(resolved)) this.flags.secret_read = true;
      }
    }
  }

  write(word: Word): void {
    const resolved = this.path(word);
    if (resolved === null) {
      this.opaque('a written path is computed at run time');
      return;
    }
    if (isHarmlessDevice(resolved)) return;
    this.readOnly = false;
    this.writes.add(resolved);
    if (!this.inside(resolved)) this.flags.write_outside_workspace = true;
    if (isSecretPath(resolved) || (word.value !== null && isSecretPath(word.value)))
      this.flags.secret_write = true;
  }

  /** A recursive delete of `word` (rm -r, find -delete, rsync --delete, git clean). */
  deleteTree(
    word: Word,
    options: { workspaceRootIsOutside: boolean } = { workspaceRootIsOutside: true },
  ): void {
    this.flags.recursive_delete = true;
    const resolved = this.path(word);
    if (resolved === null) {
      this.opaque('a deleted path is computed at run time');
      return;
    }
    this.deletes.add(resolved);
    this.writes.add(resolved);
    // Deleting the workspace itself (`rm -rf .`, `rm -rf *`) is as bad as deleting outside it.
    const wholeWorkspace = options.workspaceRootIsOutside && resolved === this.scope.workspace;
    if (!this.inside(resolved) || wholeWorkspace) this.flags.recursive_delete_outside_workspace = true;
    if (isSecretPath(resolved)) this.flags.secret_write = true;
  }

  /** Network traffic to a URL or host (`host`, `host:port`, `user@host`, `scheme://…`). */
  egress(target: string | Word): void {
    this.flags.network_egress = true;
    const text = typeof target === 'string' ? target : target.value;
    if (text === null) {
      this.opaque('a network destination is computed at run time');
      return;
    }
    const host = hostOf(text.replace(/^[^@/]*@(?=[^/]*$)/, ''));
    if (!host) return;
    this.egressHosts.add(host.host);
    if (isInternalHost(host.hostname, this.scope, host.host)) this.internal(host.host);
  }

  internal(host: string): void {
    this.flags.internal_url = true;
    this.internalHosts.add(host);
  }

  downloadedTo(word: Word): void {
    const resolved = this.path(word);
    if (resolved) this.downloaded.add(resolved);
  }

  /**
   * A file run as a program or script. Its contents are not read: a program or shell script run
   * directly asks (unless it is a project's build wrapper or a virtualenv's activate script); a
   * script handed to a language interpreter inside the workspace is trusted like `npm test`.
   */
  runFile(word: Word, kind: 'shell' | 'other' | 'direct'): Verdict {
    const resolved = this.path(word);
    if (resolved === null) {
      this.opaque('a script path is computed at run time');
      return 'unknown';
    }
    if (this.downloaded.has(resolved)) {
      this.flags.pipe_to_interpreter = true;
      return 'unknown';
    }
    if (resolved === '/dev/stdin' || resolved === '/proc/self/fd/0') return 'unknown';
    if (isSecretPath(resolved)) this.flags.secret_read = true;
    if (!this.inside(resolved)) return 'unknown';
    const base = resolved.split('/').at(-1) ?? '';
    if (kind === 'shell') return base === 'activate' || isSecretPath(resolved) ? 'safe' : 'unknown';
    if (kind === 'direct') return BUILD_WRAPPERS.has(base) ? 'safe' : 'unknown';
    return 'safe';
  }

  codeFrom(substituted: Stage): void {
    if (substituted.downloads) this.flags.pipe_to_interpreter = true;
    if (substituted.decodes) this.flags.decode_to_interpreter = true;
  }

  privileged(): void {
    this.flags.privileged = true;
  }

  git(fact: GitFact): void {
    if (!this.gitFact || (fact.subcommand === 'push' && this.gitFact.subcommand !== 'push'))
      this.gitFact = fact;
  }

  set(flag: 'force_push' | 'force_push_protected' | 'secret_read' | 'pipe_to_interpreter'): void {
    this.flags[flag] = true;
  }

  facts(): ToolFacts {
    const facts: ToolFacts = { commands: [...new Set(this.commands)], ...this.flags };
    if (this.opaqueReasons.size > 0) {
      facts.opaque = true;
      facts.opaque_reasons = [...this.opaqueReasons];
    }
    const flagged = DANGER_FLAGS.some((flag) => facts[flag] === true);
    if (this.readOnly && !flagged) facts.read_only = true;
    if (this.knownSafe && !flagged) facts.known_safe = true;
    if (this.deletes.size > 0) facts.recursive_delete_paths = [...this.deletes];
    if (this.writes.size > 0) facts.writes = [...this.writes];
    if (this.egressHosts.size > 0) facts.egress_hosts = [...this.egressHosts];
    if (this.internalHosts.size > 0) facts.internal_hosts = [...this.internalHosts];
    if (this.gitFact) facts.git = this.gitFact;
    if (facts.secret_read) facts.reads_secret = true;
    if (facts.secret_write) facts.writes_secret = true;
    if (facts.secret_read && facts.network_egress) facts.secret_egress = true;
    if (facts.secret_egress) delete facts.known_safe;
    return facts;
  }
}

/** Project-local build wrappers, run by `./gradlew build` and the like. */
const BUILD_WRAPPERS = new Set(['gradlew', 'mvnw', 'sbtw', 'pants', 'bazelw']);

const SYSTEM_DIRS = ['/bin/', '/usr/bin/', '/usr/local/bin/', '/sbin/', '/usr/sbin/', '/opt/homebrew/bin/'];

function isSystemPath(path: string): boolean {
  return SYSTEM_DIRS.some((dir) => path.startsWith(dir) && !path.slice(dir.length).includes('/'));
}

function commandName(path: string): string {
  return path.split('/').at(-1) ?? path;
}
