/**
 * One direct attempt to reach an address, the way an agent that ignores the proxy would: resolve the
 * name, open a TCP connection, and for https complete a TLS handshake. Nothing is sent beyond the
 * handshake, so probing a production API is harmless.
 */
import { lookup } from 'node:dns/promises';
import { isIP, connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export type ProbeOutcome =
  /** The name does not resolve from here: nothing to connect to. */
  | 'unresolved'
  /** The connection was refused, reset or had no route. */
  | 'refused'
  /** No answer before the deadline (a dropping firewall looks like this). */
  | 'timeout'
  /** A TCP connection was made (http), or a TLS handshake completed (https). */
  | 'connected';

export interface ProbeResult {
  host: string;
  port: number;
  addresses: string[];
  outcome: ProbeOutcome;
  /** What the operating system said, for the report (never a credential: no request is sent). */
  detail: string;
}

export async function probe(url: URL, timeoutMs: number): Promise<ProbeResult> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
  } catch (error) {
    return { host, port, addresses: [], outcome: 'unresolved', detail: codeOf(error) };
  }
  const results = await Promise.all(
    addresses.map((address) =>
      connectOnce(address, port, url.protocol === 'https:' ? host : null, timeoutMs),
    ),
  );
  // Any one reachable address is a way around the proxy.
  const reached = results.find((result) => result.outcome === 'connected');
  const first = reached ?? results.find((result) => result.outcome === 'timeout') ?? results[0];
  return {
    host,
    port,
    addresses,
    outcome: first?.outcome ?? 'refused',
    detail: first?.detail ?? 'no address',
  };
}

function connectOnce(
  address: string,
  port: number,
  tlsServerName: string | null,
  timeoutMs: number,
): Promise<{ outcome: ProbeOutcome; detail: string }> {
  return new Promise((resolve) => {
    const options = { host: address, port, timeout: timeoutMs };
    const socket = tlsServerName
      ? // The certificate is not checked: a handshake with anyone at that address is already a route out.
        tlsConnect({
          ...options,
          servername: isIP(tlsServerName) ? undefined : tlsServerName,
          rejectUnauthorized: false,
        })
      : tcpConnect(options);
    const timer = setTimeout(() => settle('timeout', `no answer within ${timeoutMs} ms`), timeoutMs);
    let done = false;
    function settle(outcome: ProbeOutcome, detail: string): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ outcome, detail });
    }
    socket.once(tlsServerName ? 'secureConnect' : 'connect', () =>
      settle('connected', tlsServerName ? 'TLS handshake completed' : 'TCP connection opened'),
    );
    socket.once('timeout', () => settle('timeout', `no answer within ${timeoutMs} ms`));
    socket.once('error', (error) => {
      const code = codeOf(error);
      // A TLS failure after TCP connected still proves the address answers.
      if (
        tlsServerName &&
        !/^E(CONNREFUSED|CONNRESET|HOSTUNREACH|NETUNREACH|TIMEDOUT|ADDRNOTAVAIL)$/.test(code)
      )
        settle('connected', `TCP connection opened, TLS failed (${code})`);
      else settle('refused', code);
    });
  });
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : String((error as Error).message ?? error);
}
