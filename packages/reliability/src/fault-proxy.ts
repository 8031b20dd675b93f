/**
 * A loopback TCP proxy that breaks HTTP exchanges on purpose, between an SDK and the served gateway.
 *
 * Faults act on bytes, below any HTTP library, so the client meets exactly what a flaky network or a
 * dying server produces: a refused connection, an RST halfway through a body, a silent peer, a peer
 * sending one byte at a time, a FIN before the declared length, a flipped byte. Every request that
 * is forwarded is logged with its Idempotency-Key, so a test can prove that retries reuse one key.
 *
 * Faults are drawn per request with probability `faultRate` from a seeded generator, so a mixed run
 * (some attempts broken, retries getting through) is reproducible. `refuse` drops the connection as the
 * request arrives, before a byte reaches the gateway; drawing it per request rather than per connection
 * keeps a kept-alive connection from passing every later request untested.
 */
import { createHash } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { CORRUPT_XOR_MASK, MAX_LOGGED_BODY_BYTES, TRICKLE_INTERVAL_MS } from './constants.js';
import { HttpFramer, type MessageHead, type Segment } from './http-framer.js';
import { seededRandom } from './random.js';

export const FAULT_MODES = ['pass', 'refuse', 'reset', 'stall', 'trickle', 'truncate', 'corrupt'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultConfig {
  mode: FaultMode;
  /** Probability in [0, 1] that a request's exchange is faulted. Default 1. */
  faultRate?: number;
  /** Seed of the fault draws and of corrupt offsets. Default 1. */
  seed?: number;
  /**
   * reset / truncate: response bytes (head included) let through before the cut. Default: the head
   * plus half the body, i.e. mid-body.
   */
  cutAfterBytes?: number;
  /** trickle: ms between bytes. */
  trickleIntervalMs?: number;
}

export interface ForwardedRequest {
  connection: number;
  method: string;
  path: string;
  /** `null` when the request carried none (GETs). */
  idempotencyKey: string | null;
  /** SHA-256 of the request body: retries of one logical call send the same body. */
  bodySha256: string;
}

export interface FaultRecord {
  connection: number;
  mode: FaultMode;
  /** What the client got of the faulted response before the fault, in bytes. */
  deliveredBytes: number;
}

export interface ProxyEvents {
  onRequest?(request: ForwardedRequest): void;
  onFault?(fault: FaultRecord): void;
}

export interface StartOptions extends FaultConfig, ProxyEvents {
  /** The gateway, e.g. `http://127.0.0.1:8787`. */
  target: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
}

export class FaultProxy {
  readonly requests: ForwardedRequest[] = [];
  readonly faults: FaultRecord[] = [];
  connections = 0;
  #config: Required<FaultConfig>;
  #random: () => number;
  #server: Server | undefined;
  #sockets = new Set<Socket>();
  readonly #targetHost: string;
  readonly #targetPort: number;

  private constructor(
    target: string,
    config: FaultConfig,
    private readonly events: ProxyEvents,
  ) {
    const url = new URL(target);
    this.#targetHost = url.hostname;
    this.#targetPort = Number(url.port || 80);
    this.#config = withDefaults(config);
    this.#random = seededRandom(this.#config.seed);
  }

  static async start(options: StartOptions): Promise<FaultProxy> {
    const { target, host, port, onRequest, onFault, ...config } = options;
    const proxy = new FaultProxy(target, config, { onRequest, onFault });
    await proxy.#listen(host ?? '127.0.0.1', port ?? 0);
    return proxy;
  }

  get url(): string {
    const address = this.#server?.address();
    if (!address || typeof address === 'string') throw new Error('proxy is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  get config(): Readonly<Required<FaultConfig>> {
    return this.#config;
  }

  /** Switches the fault for new responses; the log is kept. A new seed restarts the draws. */
  configure(config: Partial<FaultConfig>): void {
    this.#config = withDefaults({ ...this.#config, ...config });
    if (config.seed !== undefined) this.#random = seededRandom(config.seed);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  #listen(host: string, port: number): Promise<void> {
    this.#server = createServer((client) => this.#accept(client));
    return new Promise((resolve, reject) => {
      this.#server!.once('error', reject);
      this.#server!.listen(port, host, () => resolve());
    });
  }

  #draw(): boolean {
    return this.#config.mode !== 'pass' && this.#random() < this.#config.faultRate;
  }

  #accept(client: Socket): void {
    const id = ++this.connections;
    this.#track(client);
    const upstream = createConnection({ host: this.#targetHost, port: this.#targetPort });
    this.#track(upstream);
    const pump = new ResponsePump(client, this.#config.trickleIntervalMs);
    // Not reaching the gateway (or losing it) looks, to the client, like a dropped connection.
    upstream.on('error', () => client.destroy());
    upstream.on('end', () => pump.endWhenDrained());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    const fates: Fate[] = [];
    this.#forwardRequests(id, client, upstream, fates);
    this.#relayResponses(id, upstream, pump, fates);
  }

  #forwardRequests(id: number, client: Socket, upstream: Socket, fates: Fate[]): void {
    const framer = new HttpFramer('request');
    let head: MessageHead | undefined;
    let body: Buffer[] = [];
    let bodySize = 0;
    const finish = () => {
      if (!head) return;
      const [method = '', path = ''] = head.startLine.split(' ');
      const digest = createHash('sha256');
      for (const part of body) digest.update(part);
      const request: ForwardedRequest = {
        connection: id,
        method,
        path,
        idempotencyKey: head.headers['idempotency-key'] ?? null,
        bodySha256: digest.digest('hex'),
      };
      this.requests.push(request);
      this.events.onRequest?.(request);
      // The response to this request meets the fate drawn now, in request order (HTTP/1.1 is FIFO).
      const faulted = this.#config.mode !== 'refuse' && this.#draw();
      fates.push({ mode: faulted ? this.#config.mode : 'pass', at: this.#random() });
      head = undefined;
      body = [];
      bodySize = 0;
    };
    client.on('data', (chunk: Buffer) => {
      for (const segment of framer.push(chunk)) {
        if (segment.part === 'head' && segment.head) {
          if (this.#config.mode === 'refuse' && this.#draw()) {
            // Dropped before anything is forwarded: the gateway never sees this request.
            this.#fault({ connection: id, mode: 'refuse', deliveredBytes: 0 });
            upstream.destroy();
            client.resetAndDestroy();
            return;
          }
          head = segment.head;
          if (head.bodyLength <= 0) finish();
        } else if (segment.part === 'body' && head) {
          if (bodySize < MAX_LOGGED_BODY_BYTES) body.push(chunk.subarray(segment.start, segment.end));
          bodySize += segment.end - segment.start;
          if (bodySize === head.bodyLength) finish();
        }
      }
      upstream.write(chunk);
    });
    client.on('end', () => upstream.end());
  }

  #relayResponses(id: number, upstream: Socket, pump: ResponsePump, fates: Fate[]): void {
    const framer = new HttpFramer('response');
    let fate: Fate = PASS;
    let message = -1;
    upstream.on('data', (chunk: Buffer) => {
      for (const segment of framer.push(chunk)) {
        if (segment.message !== message) {
          message = segment.message;
          fate = fates.shift() ?? PASS;
          // A stall or a trickle holds the whole rest of the connection: later bytes cannot overtake.
          if (fate.mode === 'stall') pump.stall();
          if (fate.mode === 'trickle') pump.trickle();
          if (fate.mode === 'stall' || fate.mode === 'trickle') {
            this.#fault({ connection: id, mode: fate.mode, deliveredBytes: 0 });
          }
        }
        const bytes = chunk.subarray(segment.start, segment.end);
        const cut = this.#cut(fate, segment, bytes);
        if (cut) {
          pump.write(bytes.subarray(0, cut.keep));
          this.#fault({ connection: id, mode: fate.mode, deliveredBytes: segment.messageOffset + cut.keep });
          upstream.destroy();
          pump.cut(fate.mode === 'reset' ? 'reset' : 'truncate');
          return;
        }
        pump.write(fate.mode === 'corrupt' ? this.#corrupt(id, fate, segment, bytes) : bytes);
      }
    });
  }

  /** Flips the one body byte this response's fate chose, if it lies in this segment. */
  #corrupt(id: number, fate: Fate, segment: Segment, bytes: Buffer): Buffer {
    const head = segment.head;
    if (segment.part !== 'body' || !head || head.bodyLength <= 0) return bytes;
    const target = head.headLength + Math.floor(fate.at * head.bodyLength);
    const index = target - segment.messageOffset;
    if (index < 0 || index >= bytes.length) return bytes;
    const copy = Buffer.from(bytes);
    copy[index] = (copy[index] as number) ^ CORRUPT_XOR_MASK;
    this.#fault({ connection: id, mode: 'corrupt', deliveredBytes: target });
    return copy;
  }

  /** For reset/truncate: how many bytes of this segment to deliver before cutting, if the cut is here. */
  #cut(fate: Fate, segment: Segment, bytes: Buffer): { keep: number } | undefined {
    if (fate.mode !== 'reset' && fate.mode !== 'truncate') return undefined;
    const cutAt = this.#cutPoint(segment);
    if (cutAt === undefined) return undefined;
    const keep = cutAt - segment.messageOffset;
    return keep < bytes.length ? { keep: Math.max(0, keep) } : undefined;
  }

  /** Where reset/truncate cut this response; undefined until the head is known (mid-body default). */
  #cutPoint(segment: Segment): number | undefined {
    if (this.#config.cutAfterBytes >= 0) return this.#config.cutAfterBytes;
    const head = segment.head;
    if (!head) return undefined;
    const body = Math.max(head.bodyLength, 0);
    return head.headLength + Math.floor(body / 2);
  }

  #fault(record: FaultRecord): void {
    this.faults.push(record);
    this.events.onFault?.(record);
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
  }
}

const PASS: Fate = { mode: 'pass', at: 0 };

interface Fate {
  mode: FaultMode;
  /** Uniform in [0, 1): where a corrupt fault lands in the body. */
  at: number;
}

/**
 * Writes response bytes to the client: at once; or, once a trickle began, one byte per interval with
 * later bytes queued behind (order is kept); or, once a stall began, never.
 */
class ResponsePump {
  #queue: Buffer[] = [];
  #timer: NodeJS.Timeout | undefined;
  #stalled = false;
  #ending = false;

  constructor(
    private readonly client: Socket,
    private readonly intervalMs: number,
  ) {
    client.on('close', () => this.#stop());
  }

  write(bytes: Buffer): void {
    if (this.client.destroyed || this.#stalled || bytes.length === 0) return;
    if (this.#timer) this.#queue.push(bytes);
    else this.client.write(bytes);
  }

  stall(): void {
    this.#stalled = true;
  }

  trickle(): void {
    this.#timer ??= setInterval(() => this.#tick(), this.intervalMs);
  }

  /** The gateway closed its side: pass the FIN on once queued bytes are out (a stall never does). */
  endWhenDrained(): void {
    this.#ending = true;
    if (!this.#timer && !this.#stalled) this.client.end();
  }

  /** reset: RST after what was written so far; truncate: a clean FIN before the declared length. */
  cut(how: 'reset' | 'truncate'): void {
    this.#stop();
    if (how === 'reset') this.client.resetAndDestroy();
    else this.client.end();
  }

  #tick(): void {
    const next = this.#queue[0];
    if (this.client.destroyed) {
      this.#stop();
      return;
    }
    if (!next) {
      if (this.#ending) {
        this.#stop();
        this.client.end();
      }
      return;
    }
    this.client.write(next.subarray(0, 1));
    if (next.length > 1) this.#queue[0] = next.subarray(1);
    else this.#queue.shift();
  }

  #stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
  }
}

function withDefaults(config: FaultConfig): Required<FaultConfig> {
  const faultRate = config.faultRate ?? 1;
  if (!FAULT_MODES.includes(config.mode)) throw new Error(`unknown fault mode "${config.mode}"`);
  if (!(faultRate >= 0 && faultRate <= 1)) throw new Error('faultRate must be within [0, 1]');
  return {
    mode: config.mode,
    faultRate,
    seed: config.seed ?? 1,
    cutAfterBytes: config.cutAfterBytes ?? -1,
    trickleIntervalMs: config.trickleIntervalMs ?? TRICKLE_INTERVAL_MS,
  };
}
