/**
 * Credentials found by what they are, not by what their variable is called: a password inside a
 * connection URL, a GitHub, OpenAI/Anthropic, AWS, Slack or GitLab token, a private key, wherever it
 * sits (any env variable, any argument, a header, the URL). Only the location and the kind are ever
 * reported, never the value.
 */
import type { McpLaunch } from '../types.js';

const TOKEN_KINDS: Array<[string, RegExp]> = [
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{30,}/],
  ['GitHub token', /\bgithub_pat_[A-Za-z0-9_]{20,}/],
  ['API key', /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}/],
  ['AWS access key', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['Slack token', /\bxox[bpoas]-[A-Za-z0-9-]{10,}/],
  ['GitLab token', /\bglpat-[A-Za-z0-9_-]{20,}/],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

/** `scheme://user:password@host`; a placeholder (`${input:x}`, `$PGPASSWORD`, `<password>`) is not one. */
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^@/\s]+)@/i;
const PLACEHOLDER = /^(?:\$\{[^}]*\}|\$[A-Za-z_]\w*|<[^>]*>|\*+|x+|\.\.\.)$/i;

/** The kind of secret a value holds, or undefined. */
export function secretKind(value: string): string | undefined {
  for (const [kind, pattern] of TOKEN_KINDS) if (pattern.test(value)) return kind;
  const password = URL_PASSWORD.exec(value)?.[1];
  if (password !== undefined && !PLACEHOLDER.test(decodeURIComponentSafe(password)))
    return 'password in a URL';
  return undefined;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * `env.DATABASE_URL (password in a URL)`, `args[3] (GitHub token)`: where a launch carries a secret
 * value. `skipEnv` names variables already reported by their name.
 */
export function secretLocations(launch: McpLaunch, skipEnv: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const check = (where: string, value: string) => {
    const kind = secretKind(value);
    if (kind) found.push(`${where} (${kind})`);
  };
  if (launch.transport === 'stdio') {
    for (const [name, value] of Object.entries(launch.env))
      if (!skipEnv.has(name)) check(`env.${name}`, value);
    launch.args.forEach((arg, i) => {
      check(`args[${i}]`, arg);
    });
  } else {
    check('url', launch.url);
    for (const [name, value] of Object.entries(launch.headers))
      if (!skipEnv.has(name)) check(`headers.${name}`, value);
  }
  return found;
}
