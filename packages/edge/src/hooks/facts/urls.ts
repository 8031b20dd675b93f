/**
 * Internal addresses an agent's request must not reach: loopback (all of 127.0.0.0/8, `localhost`,
 * `[::1]`, `0.0.0.0`), link-local (169.254.0.0/16, where cloud metadata services answer), private
 * networks (RFC 1918, carrier-grade NAT, IPv6 unique-local and link-local), IPv4 written inside IPv6
 * (`[::ffff:a9fe:a9fe]`), IPv4 in decimal, octal or hex (`2852039166`, `0xa9fea9fe`, `0251.0376…`),
 * single-label and `.internal`/`.local`/`.localhost` names, and the gateway's own address. Host forms
 * are read by the WHATWG URL parser, which folds the numeric IPv4 forms the way resolvers do.
 * Names are not resolved: a public name whose DNS answer is internal is not caught here.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
] as const) {
  INTERNAL.addSubnet(net, prefix, 'ipv6');
}

const INTERNAL_SUFFIXES = ['.internal', '.local', '.localhost', '.localdomain', '.home.arpa', '.intranet'];

/** Public names that answer with a loopback address. */
const LOOPBACK_NAMES = new Set(['localtest.me', 'lvh.me', 'vcap.me', 'lacolhost.com']);

/**
 * Wildcard DNS services (nip.io, sslip.io, …) answer `169.254.169.254.nip.io` or
 * `169-254-169-254.sslip.io` with the address written in the name; any name that spells out an
 * internal IPv4 address is taken at its word.
 */
function embedsInternalIPv4(name: string): boolean {
  for (const match of name.matchAll(
    /(?:^|[.-])(\d{1,3})[.-](\d{1,3})[.-](\d{1,3})[.-](\d{1,3})(?=$|[.-])/g,
  )) {
    const address = match.slice(1, 5).join('.');
    if (isIPv4(address) && INTERNAL.check(address, 'ipv4')) return true;
  }
  return name.endsWith('.localtest.me') || name.endsWith('.lvh.me');
}

export interface UrlScope {
  /** The gateway's own `host` and `host:port` (from ACTPASS_BASE_URL), lower case. */
  gatewayHosts: readonly string[];
}

export function gatewayHostsFrom(env: Record<string, string | undefined>): string[] {
  const base = env.ACTPASS_BASE_URL;
  if (!base) return [];
  try {
    const url = new URL(base);
    return [url.hostname.toLowerCase(), url.host.toLowerCase()];
  } catch {
    return [];
  }
}

/** The host of a URL or `host[:port][/path]` string, normalised; null when it has none. */
export function hostOf(target: string): { hostname: string; host: string } | null {
  const trimmed = target.trim();
  if (trimmed === '') return null;
  const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`;
  try {
    const url = new URL(withScheme);
    if (url.hostname === '') return null;
    return { hostname: url.hostname.toLowerCase(), host: url.host.toLowerCase() };
  } catch {
    return null;
  }
}

export function isInternalHost(hostname: string, scope: UrlScope, host = hostname): boolean {
  const name = hostname.replace(/\.$/, '').toLowerCase();
  if (scope.gatewayHosts.includes(name) || scope.gatewayHosts.includes(host.toLowerCase())) return true;
  const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  if (isIPv4(bare)) return INTERNAL.check(bare, 'ipv4');
  if (isIPv6(bare)) return internalIPv6(bare);
  if (bare === 'localhost' || !bare.includes('.') || LOOPBACK_NAMES.has(bare)) return true;
  if (INTERNAL_SUFFIXES.some((suffix) => bare.endsWith(suffix))) return true;
  return embedsInternalIPv4(bare);
}

/** IPv6, including IPv4 embedded in it (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64). */
function internalIPv6(address: string): boolean {
  if (INTERNAL.check(address, 'ipv6')) return true;
  const embedded = embeddedIPv4(address);
  return embedded !== null && INTERNAL.check(embedded, 'ipv4');
}

function embeddedIPv4(address: string): string | null {
  const groups = expandIPv6(address);
  if (!groups) return null;
  const head = groups.slice(0, 6);
  const mapped = head.slice(0, 5).every((g) => g === 0) && (head[5] === 0xffff || head[5] === 0);
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0);
  if (!mapped && !nat64) return null;
  const high = groups[6] as number;
  const low = groups[7] as number;
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

function expandIPv6(address: string): number[] | null {
  let text = address.split('%')[0] as string;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = (dotted[1] as string).split('.').map(Number);
    text = `${text.slice(0, dotted.index)}${(((parts[0] as number) << 8) | (parts[1] as number)).toString(16)}:${(((parts[2] as number) << 8) | (parts[3] as number)).toString(16)}`;
  }
  const [left = '', right] = text.split('::');
  const head = left === '' ? [] : left.split(':');
  const tail = right === undefined || right === '' ? [] : right.split(':');
  const missing = 8 - head.length - tail.length;
  if (right === undefined ? head.length !== 8 : missing < 0) return null;
  const groups = [...head, ...Array<string>(right === undefined ? 0 : missing).fill('0'), ...tail].map((g) =>
    Number.parseInt(g, 16),
  );
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : null;
}

/** The internal hosts among targets (URLs or host strings). */
export function internalHostsIn(targets: readonly string[], scope: UrlScope): string[] {
  const found: string[] = [];
  for (const target of targets) {
    const host = hostOf(target);
    if (host && isInternalHost(host.hostname, scope, host.host)) found.push(host.host);
  }
  return found;
}
