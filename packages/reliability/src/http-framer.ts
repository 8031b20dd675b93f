/**
 * Just enough HTTP/1.1 framing for a byte-level proxy: split one direction of a keep-alive connection
 * into messages (head + Content-Length body) without buffering the body, so a fault can be aimed at
 * "the middle of this response's body" or "byte k of that body" while bytes stream through.
 *
 * The gateway always answers with Content-Length; anything else (chunked, or a response without a
 * length) makes the rest of the connection one unframed body, which is still forwarded byte for byte.
 */

const HEAD_END = Buffer.from('\r\n\r\n');
/** A head larger than this is not HTTP we can frame: treat the rest of the stream as unframed. */
const MAX_HEAD_BYTES = 64 * 1024;

export interface MessageHead {
  /** Request line or status line. */
  startLine: string;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Bytes of the head including the blank line. */
  headLength: number;
  /** Body bytes that follow the head; -1 when the body runs to the end of the connection. */
  bodyLength: number;
}

export interface Segment {
  /** 0-based index of the message on this connection. */
  message: number;
  part: 'head' | 'body';
  /** Byte range of this segment within the pushed chunk. */
  start: number;
  end: number;
  /** Offset of `start` from the first byte of the message (head included). */
  messageOffset: number;
  /** Set on the segment that completes a head, and on every body segment. */
  head?: MessageHead;
}

export class HttpFramer {
  #message = 0;
  #state: 'head' | 'body' | 'unframed' = 'head';
  #headBytes: Buffer[] = [];
  #headSize = 0;
  #head: MessageHead | undefined;
  #bodyLeft = 0;
  #messageOffset = 0;

  constructor(private readonly direction: 'request' | 'response') {}

  /** Splits `chunk` into head and body segments, in order. */
  push(chunk: Buffer): Segment[] {
    const segments: Segment[] = [];
    let position = 0;
    while (position < chunk.length) {
      if (this.#state === 'unframed') {
        segments.push(this.#segment('body', position, chunk.length));
        position = chunk.length;
      } else if (this.#state === 'head') {
        position = this.#pushHead(chunk, position, segments);
      } else {
        const end = Math.min(chunk.length, position + this.#bodyLeft);
        segments.push(this.#segment('body', position, end));
        this.#bodyLeft -= end - position;
        position = end;
        if (this.#bodyLeft === 0) this.#nextMessage();
      }
    }
    return segments;
  }

  #pushHead(chunk: Buffer, position: number, segments: Segment[]): number {
    // The blank line may straddle chunks: search the carried tail together with the new bytes.
    const carried = Math.min(this.#headSize, HEAD_END.length - 1);
    const tail =
      carried > 0 ? Buffer.concat(this.#headBytes).subarray(this.#headSize - carried) : Buffer.alloc(0);
    const window = Buffer.concat([tail, chunk.subarray(position)]);
    const found = window.indexOf(HEAD_END);
    if (found === -1) {
      this.#headBytes.push(chunk.subarray(position));
      this.#headSize += chunk.length - position;
      segments.push(this.#segment('head', position, chunk.length));
      if (this.#headSize > MAX_HEAD_BYTES) this.#state = 'unframed';
      return chunk.length;
    }
    const end = position + found + HEAD_END.length - carried;
    this.#headBytes.push(chunk.subarray(position, end));
    this.#headSize += end - position;
    this.#head = parseHead(Buffer.concat(this.#headBytes).toString('latin1'), this.#headSize, this.direction);
    segments.push({ ...this.#segment('head', position, end), head: this.#head });
    this.#headBytes = [];
    if (this.#head.bodyLength === -1) this.#state = 'unframed';
    else if (this.#head.bodyLength === 0) this.#nextMessage();
    else {
      this.#state = 'body';
      this.#bodyLeft = this.#head.bodyLength;
    }
    return end;
  }

  #segment(part: Segment['part'], start: number, end: number): Segment {
    const segment: Segment = { message: this.#message, part, start, end, messageOffset: this.#messageOffset };
    if (part === 'body' && this.#head) segment.head = this.#head;
    this.#messageOffset += end - start;
    return segment;
  }

  #nextMessage(): void {
    this.#message++;
    this.#state = 'head';
    this.#headSize = 0;
    this.#head = undefined;
    this.#messageOffset = 0;
  }
}

function parseHead(text: string, headLength: number, direction: 'request' | 'response'): MessageHead {
  const lines = text.split('\r\n');
  const startLine = lines[0] ?? '';
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { startLine, headers, headLength, bodyLength: bodyLength(startLine, headers, direction) };
}

function bodyLength(
  startLine: string,
  headers: Record<string, string>,
  direction: 'request' | 'response',
): number {
  if (direction === 'response') {
    const status = Number(startLine.split(' ')[1]);
    if ((status >= 100 && status < 200) || status === 204 || status === 304) return 0;
  }
  if (headers['transfer-encoding'] !== undefined) return -1;
  const declared = headers['content-length'];
  if (declared !== undefined && /^\d+$/.test(declared)) return Number(declared);
  // A request without a length has no body; a response without one runs to the end of the connection.
  return direction === 'request' ? 0 : -1;
}
