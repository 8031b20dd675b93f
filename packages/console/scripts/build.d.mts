/** Builds the console into `dist` (emptied first). */
export function buildConsole(dist: URL): Promise<void>;
