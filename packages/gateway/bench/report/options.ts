/** Command-line options of `bench/report.ts` (pure, so the parser is tested without running anything). */

export interface ReportOptions {
  /** interleaved rounds per comparison */
  rounds: number;
  /** seconds per shape per round of the served-gateway comparison */
  httpSeconds: number;
  /** sequential calls per shape per round of the client latency comparisons */
  calls: number;
  /** install Cedar and the Agent Governance Toolkit into a scratch folder and compare against them */
  peers: boolean;
  /** replace the generated section of docs/benchmarks.md */
  write: boolean;
  /** run only these comparisons (all when empty) */
  only: string[];
  /** render from a results file a previous run saved instead of measuring */
  from?: string;
}

export const COMPARISONS = [
  'passport',
  'ledger',
  'canonical',
  'http',
  'sdk',
  'python',
  'hook',
  'proxy',
  'peers',
] as const;

export const USAGE = `usage: tsx bench/report.ts [--write] [--rounds N] [--seconds S] [--calls N] [--peers] [--only a,b]
  --rounds N   interleaved rounds per comparison (default 5; 1–2 for a quick look)
  --seconds S  seconds per shape per round for the served gateway (default 3)
  --calls N    sequential calls per shape per round for the SDK and Python clients (default 300)
  --peers      also compare the policy evaluator with Cedar (wasm) and the Agent Governance Toolkit,
               installed into a scratch folder under the system temp directory
  --only a,b   run only these comparisons (${COMPARISONS.join(', ')})
  --from FILE  render (and with --write, write) the results a previous run saved, without measuring
  --write      replace the generated section of docs/benchmarks.md (not with --only: a subset never
               overwrites the whole section); --no-write turns it off again`;

function positive(flag: string, text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || !Number.isFinite(value) || value <= 0)
    throw new Error(`${flag} needs a positive number (got ${text ?? 'nothing'}); e.g. ${flag} 2`);
  return value;
}

export function parseOptions(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): ReportOptions {
  const options: ReportOptions = {
    rounds: env.ACTPASS_BENCH_ROUNDS ? positive('ACTPASS_BENCH_ROUNDS', env.ACTPASS_BENCH_ROUNDS) : 5,
    httpSeconds: env.ACTPASS_BENCH_SECONDS ? positive('ACTPASS_BENCH_SECONDS', env.ACTPASS_BENCH_SECONDS) : 3,
    calls: 300,
    peers: false,
    write: false,
    only: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? (arg.split('=', 2) as [string, string]) : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--rounds':
        options.rounds = Math.round(positive(flag, value()));
        break;
      case '--seconds':
        options.httpSeconds = positive(flag, value());
        break;
      case '--calls':
        options.calls = Math.round(positive(flag, value()));
        break;
      case '--peers':
        options.peers = true;
        break;
      case '--write':
        options.write = true;
        break;
      case '--from': {
        const file = value();
        if (!file)
          throw new Error(
            '--from needs the results file a previous run saved (its path is printed at the end)',
          );
        options.from = file;
        break;
      }
      case '--no-write':
        options.write = false;
        break;
      case '--only': {
        const names = (value() ?? '').split(',').filter(Boolean);
        const unknown = names.filter((name) => !(COMPARISONS as readonly string[]).includes(name));
        if (names.length === 0 || unknown.length > 0)
          throw new Error(
            `--only takes a comma-separated list of ${COMPARISONS.join(', ')} (got ${unknown.join(', ') || 'nothing'})`,
          );
        options.only = names;
        break;
      }
      case '--':
        break;
      default:
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  if (options.only.includes('peers')) options.peers = true;
  if (options.only.length > 0) options.write = false;
  return options;
}

/** Whether a comparison runs under these options. */
export function selected(options: ReportOptions, name: (typeof COMPARISONS)[number]): boolean {
  if (name === 'peers') return options.peers;
  return options.only.length === 0 || options.only.includes(name);
}
