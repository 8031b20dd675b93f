/**
 * Network clients: every destination is checked for internal addresses (including curl's --resolve,
 * --connect-to, --proxy and unix sockets); files they upload are read (a secret uploaded is secret
 * egress in one command); files they save are written, and remembered, so that running one later in the
 * same command line counts as running downloaded code.
 */
import type { Word } from '../../shell/words.js';
import type { Analyser, Outcome } from '../findings.js';
import { has, parseOptions, valuesOf } from '../options.js';

const CURL_VALUED_SHORT = 'oduFTHXAebcxEKmrwyYzCUQPtD';
const CURL_VALUED_LONG = [
  'output',
  'data',
  'data-raw',
  'data-binary',
  'data-urlencode',
  'data-ascii',
  'json',
  'form',
  'form-string',
  'upload-file',
  'header',
  'request',
  'user',
  'user-agent',
  'referer',
  'cookie',
  'cookie-jar',
  'proxy',
  'resolve',
  'connect-to',
  'config',
  'write-out',
  'max-time',
  'connect-timeout',
  'range',
  'cert',
  'key',
  'cacert',
  'continue-at',
  'retry',
  'retry-delay',
  'retry-max-time',
  'dump-header',
  'trace',
  'trace-ascii',
  'url',
  'proxy-user',
  'interface',
  'unix-socket',
  'abstract-unix-socket',
  'local-port',
  'limit-rate',
  'max-filesize',
  'quote',
  'variable',
  'libcurl',
  'netrc-file',
  'stderr',
  'output-dir',
  'oauth2-bearer',
  'doh-url',
  'hsts',
  'alt-svc',
  'etag-save',
  'etag-compare',
  'preproxy',
  'socks4',
  'socks4a',
  'socks5',
  'socks5-hostname',
  'noproxy',
  'aws-sigv4',
  'expect100-timeout',
  'speed-limit',
  'speed-time',
  'max-redirs',
  'proto',
  'proto-redir',
];

export const curl: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, { short: CURL_VALUED_SHORT, long: CURL_VALUED_LONG });
  if (has(parsed, '-K', '--config')) {
    fx.opaque('curl reads options from a config file');
    return 'unknown';
  }
  const urls = [...parsed.operands, ...valuesOf(parsed, '--url')];
  for (const url of urls) fx.egress(url);
  for (const proxy of valuesOf(
    parsed,
    '-x',
    '--proxy',
    '--preproxy',
    '--socks4',
    '--socks4a',
    '--socks5',
    '--socks5-hostname',
    '--doh-url',
  ))
    fx.egress(proxy);
  for (const mapping of valuesOf(parsed, '--resolve', '--connect-to')) {
    // host:port:address[,address] and host:port:connect-host:connect-port: the addresses are where curl goes.
    if (mapping.value === null) fx.opaque('a curl address mapping is computed at run time');
    else
      for (const address of mapping.value.split(':').slice(2).join(':').split(','))
        if (address) fx.egress(address);
  }
  if (has(parsed, '--unix-socket', '--abstract-unix-socket')) fx.internal('unix-socket');
  for (const data of valuesOf(
    parsed,
    '-d',
    '--data',
    '--data-binary',
    '--data-urlencode',
    '--data-ascii',
    '--json',
  )) {
    const value = data.value ?? '';
    const file = value.startsWith('@')
      ? value.slice(1)
      : /^[^=]*=?@/.test(value) && !value.startsWith('{')
        ? value.replace(/^[^@]*@/, '')
        : null;
    if (file !== null && file !== '-') fx.read({ ...data, value: file });
  }
  for (const form of valuesOf(parsed, '-F', '--form')) {
    const match = /^[^=]*=[@<]([^;]*)/.exec(form.value ?? '');
    if (match && match[1] !== '-') fx.read({ ...form, value: match[1] as string });
  }
  for (const upload of valuesOf(parsed, '-T', '--upload-file')) if (upload.value !== '-') fx.read(upload);
  for (const netrc of valuesOf(parsed, '--netrc-file', '-E', '--cert', '--key')) fx.read(netrc);
  const outputs = valuesOf(parsed, '-o', '--output');
  for (const out of outputs) {
    fx.write(out);
    fx.downloadedTo(out);
  }
  for (const out of valuesOf(
    parsed,
    '-c',
    '--cookie-jar',
    '-D',
    '--dump-header',
    '--trace',
    '--trace-ascii',
    '--stderr',
    '--libcurl',
    '--etag-save',
    '--hsts',
    '--alt-svc',
  ))
    if (out.value !== '-') fx.write(out);
  if (has(parsed, '-O', '--remote-name', '--remote-name-all')) {
    const dir = valuesOf(parsed, '--output-dir')[0];
    for (const url of urls) {
      const name = url.value
        ? (new URL(url.value.includes('://') ? url.value : `http://${url.value}`).pathname
            .split('/')
            .at(-1) ?? '')
        : '';
      const file: Word = {
        value: dir?.value ? `${dir.value}/${name}` : name || 'index.html',
        expands: false,
        substitutions: [],
      };
      fx.write(file);
      fx.downloadedTo(file);
    }
  }
  return { verdict: 'safe', stage: { downloads: true } };
};

export const wget: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, {
    short: 'OoaPiBeTtwUYlQDAR',
    long: [
      'output-document',
      'output-file',
      'append-output',
      'directory-prefix',
      'input-file',
      'base',
      'execute',
      'post-data',
      'post-file',
      'body-data',
      'body-file',
      'method',
      'header',
      'user',
      'password',
      'http-user',
      'http-password',
      'user-agent',
      'timeout',
      'tries',
      'wait',
      'load-cookies',
      'save-cookies',
      'config',
      'referer',
      'proxy-user',
      'proxy-password',
      'ca-certificate',
      'certificate',
      'private-key',
      'bind-address',
      'level',
      'quota',
      'domains',
      'accept',
      'reject',
    ],
  });
  if (has(parsed, '-e', '--execute', '--config')) {
    fx.opaque('wget runs configuration commands');
    return 'unknown';
  }
  for (const url of parsed.operands) fx.egress(url);
  for (const file of valuesOf(
    parsed,
    '--post-file',
    '--body-file',
    '-i',
    '--input-file',
    '--load-cookies',
    '--certificate',
    '--private-key',
  ))
    fx.read(file);
  for (const out of valuesOf(parsed, '-o', '--output-file', '-a', '--append-output', '--save-cookies'))
    fx.write(out);
  const documents = valuesOf(parsed, '-O', '--output-document');
  for (const out of documents) {
    if (out.value === '-') continue;
    fx.write(out);
    fx.downloadedTo(out);
  }
  if (documents.length === 0) {
    const dir = valuesOf(parsed, '-P', '--directory-prefix')[0]?.value;
    for (const url of parsed.operands) {
      let name = 'index.html';
      try {
        name =
          new URL(url.value?.includes('://') ? url.value : `http://${url.value}`).pathname
            .split('/')
            .at(-1) || name;
      } catch {}
      const file: Word = { value: dir ? `${dir}/${name}` : name, expands: false, substitutions: [] };
      fx.write(file);
      fx.downloadedTo(file);
    }
  }
  return { verdict: 'safe', stage: { downloads: true } };
};

/** ssh, scp, sftp, rsync to a remote, nc, socat, telnet: network tools whose effect the hook cannot see. */
export function remote(kind: 'ssh' | 'copy' | 'socket'): Analyser {
  return (call, fx): Outcome => {
    const parsed = parseOptions(call.args, {
      short: kind === 'socket' ? 'psqwWiIxX' : 'bcDEeFiIJlLmOoPpQRSWw',
      long: [
        'rsh',
        'rsync-path',
        'exclude',
        'include',
        'exclude-from',
        'include-from',
        'files-from',
        'port',
        'password-file',
      ],
    });
    if (has(parsed, '-e', '--rsh', '--rsync-path') || has(parsed, '-o'))
      fx.opaque(`${call.name} runs a configured command`);
    for (const file of valuesOf(parsed, '-i', '-F')) fx.read(file);
    for (const operand of parsed.operands) {
      const value = operand.value;
      if (value === null) {
        fx.opaque(`a ${call.name} operand is computed at run time`);
        continue;
      }
      if (kind === 'socket') {
        if (/^[A-Za-z0-9.-]*[.:][A-Za-z0-9.:[\]-]*$|^localhost$/.test(value) && !/^[0-9]+$/.test(value))
          fx.egress(value);
      } else if (kind === 'ssh') {
        fx.egress(value);
        break;
      } else if (/^[^/]*:/.test(value) && !value.startsWith('/'))
        fx.egress(value.slice(0, value.indexOf(':')));
      else fx.read(operand);
    }
    return { verdict: 'unknown', stage: { downloads: true } };
  };
}

/** rsync: local copies write the destination (and delete in it with --delete); remote ones are egress. */
export const rsync: Analyser = (call, fx) => {
  const parsed = parseOptions(call.args, {
    short: 'eBfT',
    long: [
      'rsh',
      'rsync-path',
      'exclude',
      'include',
      'exclude-from',
      'include-from',
      'files-from',
      'password-file',
      'backup-dir',
      'temp-dir',
      'partial-dir',
      'chmod',
      'chown',
      'filter',
    ],
  });
  if (has(parsed, '-e', '--rsh', '--rsync-path')) fx.opaque('rsync runs a configured command');
  const remoteOperand = (w: Word) => w.value !== null && /^[^/]*:/.test(w.value);
  const destination = parsed.operands.at(-1);
  const sources = parsed.operands.slice(0, -1);
  for (const source of sources) {
    if (remoteOperand(source)) fx.egress((source.value as string).split(':')[0] as string);
    else fx.read(source);
  }
  if (!destination) return 'read_only';
  if (remoteOperand(destination)) {
    fx.egress((destination.value as string).split(':')[0] as string);
    return 'unknown';
  }
  if (parsed.options.some((o) => o.name.startsWith('--delete') || o.name === '--remove-source-files'))
    fx.deleteTree(destination);
  else fx.write(destination);
  return sources.some(remoteOperand) ? 'unknown' : 'safe';
};
