/**
 * The served gateway as a child process: `actpass dev --json` from the built CLI, so the suites meet
 * the same binary users run, and `kill -9` is a real crash (no exit handlers, no flushed buffers).
 *
 * `ACTPASS_GATEWAY_CLI` may point at another entry (a `.ts` file runs through tsx), for working on
 * the suites before the gateway is built.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GATEWAY_READY_TIMEOUT_MS } from './constants.js';

export interface DevKeys {
  agent: string;
  approver: string;
  admin: string;
}

/** The one line `actpass dev --json` prints once listening. */
export interface ReadyLine {
  ready: true;
  url: string;
  tenant_id: string;
  keys: DevKeys;
  jwks_url: string;
}

export interface GatewayProcessOptions {
  /** State directory: ledger, keyset and dev keys survive a restart on the same one. */
  dir: string;
  /** 0 (default) picks a free port on the first start; restarts reuse the port they got. */
  port?: number;
  /** Run on PostgreSQL instead of files (needs the CLI's `--database-url`). */
  databaseUrl?: string;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_CLI = fileURLToPath(new URL('../../gateway/dist/cli.js', import.meta.url));

/** Where the CLI is, or why it cannot run: suites skip (or fail in CI) with this message. */
export function gatewayCli(): { command: string[] } | { missing: string } {
  const override = process.env.ACTPASS_GATEWAY_CLI;
  const entry = override && override !== '' ? override : DEFAULT_CLI;
  if (!existsSync(entry)) {
    return {
      missing: `the gateway CLI is not built (${entry}); run \`pnpm --filter @actpass/gateway build\``,
    };
  }
  if (entry.endsWith('.ts')) {
    // tsx's loader in this very process (not its CLI, which forks): SIGKILL must reach the gateway.
    const loader = createRequire(import.meta.url).resolve('tsx/esm');
    return { command: [process.execPath, '--import', pathToFileURL(loader).href, entry] };
  }
  return { command: [process.execPath, entry] };
}

export class GatewayProcess {
  ready: ReadyLine | undefined;
  starts = 0;
  #child: ChildProcess | undefined;
  #stderr: string[] = [];
  #port: number;

  constructor(private readonly options: GatewayProcessOptions) {
    this.#port = options.port ?? 0;
  }

  get url(): string {
    if (!this.ready) throw new Error('gateway not started');
    return this.ready.url;
  }

  get keys(): DevKeys {
    if (!this.ready) throw new Error('gateway not started');
    return this.ready.keys;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts the CLI and resolves with its ready line. */
  async start(): Promise<ReadyLine> {
    const cli = gatewayCli();
    if ('missing' in cli) throw new Error(cli.missing);
    const [command, ...prefix] = cli.command as [string, ...string[]];
    const args = [
      ...prefix,
      'dev',
      '--host',
      '127.0.0.1',
      '--port',
      String(this.#port),
      '--dir',
      this.options.dir,
      '--json',
    ];
    if (this.options.databaseUrl) args.push('--database-url', this.options.databaseUrl);
    const child = spawn(command, args, {
      env: { ...process.env, ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    this.#stderr = [];
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.#stderr.push(text);
      if (this.#stderr.length > 200) this.#stderr.shift();
    });
    this.ready = await readReadyLine(child, () => this.#stderr.join(''));
    this.#port = Number(new URL(this.ready.url).port);
    this.starts++;
    return this.ready;
  }

  /** A crash: SIGKILL, no chance to flush or close anything. Resolves once the process is gone. */
  async kill9(): Promise<void> {
    await this.#signal('SIGKILL');
  }

  /** A clean stop (SIGTERM: the CLI closes the server and its stores). */
  async stop(): Promise<void> {
    await this.#signal('SIGTERM');
  }

  /** Same dir, same port: keys, keyset and ledger carry over; clients keep their base URL. */
  async restart(): Promise<ReadyLine> {
    return this.start();
  }

  stderr(): string {
    return this.#stderr.join('');
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }
}

function readReadyLine(child: ChildProcess, stderr: () => string): Promise<ReadyLine> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(
      () => fail(new Error(`gateway not ready after ${GATEWAY_READY_TIMEOUT_MS} ms`)),
      GATEWAY_READY_TIMEOUT_MS,
    );
    const onExit = (code: number | null) => fail(new Error(`gateway exited (${code}) before it was ready`));
    function fail(error: Error) {
      clearTimeout(timer);
      lines.close();
      child.off('exit', onExit);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\n${stderr()}`));
    }
    child.once('exit', onExit);
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as Partial<ReadyLine>;
        if (parsed.ready !== true || typeof parsed.url !== 'string') return;
        clearTimeout(timer);
        child.off('exit', onExit);
        // Keep draining stdout so a chatty gateway never blocks on a full pipe.
        lines.removeAllListeners('line');
        resolve(parsed as ReadyLine);
      } catch {
        // Not the ready line: the CLI prints only that on stdout with --json, but stay lenient.
      }
    });
  });
}
