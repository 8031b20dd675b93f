/**
 * What an MCP server launch says it is, for the rules to classify: the command line, the URL, and for
 * a server run from a container image (`docker run … mcp/filesystem`, podman, nerdctl) the npm
 * package the image packages, so `mcp/filesystem` is classified like `@modelcontextprotocol/server-filesystem`.
 */
import type { McpLaunch } from '../types.js';

const CONTAINER_RUNTIMES = new Set(['docker', 'podman', 'nerdctl']);
/** `run` flags that take the next argument as their value (a value never names the image). */
const VALUE_FLAGS = new Set([
  '-e',
  '--env',
  '--env-file',
  '-v',
  '--volume',
  '--mount',
  '--name',
  '--network',
  '--net',
  '-p',
  '--publish',
  '-w',
  '--workdir',
  '-u',
  '--user',
  '--entrypoint',
  '--platform',
  '-l',
  '--label',
  '--label-file',
  '--add-host',
  '--cap-add',
  '--cap-drop',
  '--cpus',
  '-m',
  '--memory',
  '--pull',
  '--restart',
  '--security-opt',
  '--tmpfs',
  '--hostname',
  '-h',
  '--dns',
  '--ulimit',
  '--device',
  '--gpus',
  '--log-driver',
  '--log-opt',
  '--pid',
  '--ipc',
  '--uts',
  '--userns',
  '--cgroupns',
  '--runtime',
  '--shm-size',
  '--stop-signal',
  '--stop-timeout',
  '--health-cmd',
  '--expose',
  '--group-add',
]);

function runtimeOf(command: string): boolean {
  const base =
    command
      .split(/[/\\]/)
      .pop()
      ?.replace(/\.exe$/i, '')
      .toLowerCase() ?? '';
  return CONTAINER_RUNTIMES.has(base);
}

/** The index of the image argument of `docker run …` (also `docker container run …`), if any. */
function imageIndex(launch: McpLaunch & { transport: 'stdio' }): number {
  if (!runtimeOf(launch.command)) return -1;
  const args = launch.args;
  let i = args.indexOf('run');
  if (i < 0) return -1;
  for (i += 1; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('-')) return i;
    if (!arg.includes('=') && VALUE_FLAGS.has(arg)) i += 1;
  }
  return -1;
}

/** `docker.io/mcp/filesystem:1.0@sha256:…` → `mcp/filesystem`. */
export function imageName(image: string): string {
  let name = image.replace(/@.*$/, '');
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  if (colon >= 0) name = name.slice(0, colon);
  const parts = name.split('/');
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0] as string)) parts.shift();
  if (parts[0] === 'library') parts.shift();
  return parts.join('/').toLowerCase();
}

export function containerImage(launch: McpLaunch): string | undefined {
  if (launch.transport !== 'stdio') return undefined;
  const at = imageIndex(launch);
  return at < 0 ? undefined : imageName(launch.args[at] as string);
}

/** The text the rules match: the command line or URL, plus the npm twin of an `mcp/…` image. */
export function launchIdentity(launch: McpLaunch): string {
  if (launch.transport === 'http') return launch.url;
  const line = [launch.command, ...launch.args].join(' ');
  const image = containerImage(launch);
  const official = image?.match(/^mcp\/([a-z0-9._-]+)$/)?.[1];
  return official ? `${line} @modelcontextprotocol/server-${official} mcp-server-${official}` : line;
}

/** Names of the variables `docker run -e NAME[=value]` passes in (values are never kept). */
export function containerEnvNames(launch: McpLaunch): string[] {
  if (launch.transport !== 'stdio' || imageIndex(launch) < 0) return [];
  const names: string[] = [];
  const args = launch.args;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const inline = /^(?:-e|--env)=(.+)$/.exec(arg)?.[1];
    const next = arg === '-e' || arg === '--env' ? args[i + 1] : undefined;
    const pair = inline ?? next;
    if (pair !== undefined) names.push(pair.split('=')[0] as string);
  }
  return names;
}
