/**
 * The console room: serves the built browser console at /console in front of the API handler. It only
 * looks down (constants, the HTTP request types); the console itself is a client of the HTTP API.
 */
import type { GatewayHandler } from '../http/handler.js';
import { type ConsoleAssets, defaultAssetsDirs, loadConsoleAssets } from './assets.js';
import { isConsolePath, serveConsole } from './serve.js';

export interface ConsoleOptions {
  /** A directory holding a built console (index.html, app.js, app.css, icon.svg); default the bundled one. */
  assetsDir?: string;
}

export function withConsole(handler: GatewayHandler, options: ConsoleOptions | false = {}): GatewayHandler {
  if (options === false) return handler;
  let assets: ConsoleAssets | null | undefined;
  return async (request) => {
    if (!isConsolePath(request.path)) return handler(request);
    assets ??= loadOrNull(options.assetsDir ? [options.assetsDir] : defaultAssetsDirs());
    return serveConsole(request, assets);
  };
}

/** An unreadable asset directory serves a 503 naming the fix, never a crash of the request path. */
function loadOrNull(dirs: string[]): ConsoleAssets | null {
  try {
    return loadConsoleAssets(dirs);
  } catch {
    return null;
  }
}

export { type ConsoleAssets, loadConsoleAssets } from './assets.js';
