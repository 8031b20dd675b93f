/**
 * Answers requests under /console from the in-memory asset table, with the console's security
 * headers. Every other path is not ours (null) and goes on to the API handler.
 */
import { CONSOLE_CSP, CONSOLE_PATH } from '../constants.js';
import type { IncomingRequest, OutgoingResponse } from '../http/types.js';
import { CONSOLE_INDEX, type ConsoleAssets } from './assets.js';

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  // Small files, revalidated on every load, so a gateway upgrade is seen at once.
  'cache-control': 'no-cache',
};

export function isConsolePath(path: string): boolean {
  return path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`);
}

export function serveConsole(request: IncomingRequest, assets: ConsoleAssets | null): OutgoingResponse {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return plain(405, `${request.method} is not supported here; use GET.`, { allow: 'GET, HEAD' });
  }
  if (assets === null) {
    return plain(
      503,
      'The console is not built into this gateway; build it with `pnpm --filter @actpass/console build`.',
    );
  }
  // The raw path is compared, never decoded or normalised: "..", "%2e%2e", "%2f" and "\" name no asset.
  const name = request.path === CONSOLE_PATH ? CONSOLE_INDEX : request.path.slice(CONSOLE_PATH.length + 1);
  const asset = assets.get(name === '' ? CONSOLE_INDEX : name);
  if (!asset) return plain(404, 'Not found.');
  return {
    status: 200,
    headers: { 'content-type': asset.contentType, ...SECURITY_HEADERS },
    body: asset.body,
  };
}

function plain(status: number, message: string, extra: Record<string, string> = {}): OutgoingResponse {
  return {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS, ...extra },
    body: `${message}\n`,
  };
}
