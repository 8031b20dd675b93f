/**
 * The upstream's body as plain bytes, so redaction reads what the agent will read. The proxy asks for
 * `identity`; an upstream that encodes anyway is decoded here (gzip, deflate, br, in the order they
 * were applied), each step bounded by the response limit so a small compressed body cannot expand
 * past it. An encoding the proxy does not know, a body that does not decode, or one that decodes past
 * the limit is refused: nothing of it is relayed.
 */
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw, type ZlibOptions } from 'node:zlib';
import type { HeaderList } from './headers.js';

export type Decoded = { ok: true; body: Buffer; encodings: string[] } | { ok: false; message: string };

const DECODERS: Record<string, (body: Buffer, options: ZlibOptions) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: deflateEither,
  br: promisify(brotliDecompress),
};

const inflateZlib = promisify(inflate);
const inflateBare = promisify(inflateRaw);

/** RFC 9110 names zlib-wrapped data `deflate`; some servers send it bare, so both are read. */
async function deflateEither(body: Buffer, options: ZlibOptions): Promise<Buffer> {
  try {
    return await inflateZlib(body, options);
  } catch (error) {
    if (isTooLarge(error)) throw error;
    return inflateBare(body, options);
  }
}

/** The encodings named by every Content-Encoding header, in the order they were applied. */
export function contentEncodings(headers: HeaderList): string[] {
  return headers
    .filter(([name]) => name === 'content-encoding')
    .flatMap(([, value]) => value.split(','))
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== '' && token !== 'identity');
}

export async function decodeBody(headers: HeaderList, body: Buffer, maxBytes: number): Promise<Decoded> {
  const encodings = contentEncodings(headers);
  if (encodings.length === 0 || body.length === 0) return { ok: true, body, encodings };
  const unknown = encodings.find((encoding) => DECODERS[encoding] === undefined);
  if (unknown !== undefined) {
    return {
      ok: false,
      message: `the upstream answered in an encoding the proxy cannot read (${unknown.slice(0, 32)})`,
    };
  }
  let plain = body;
  for (const encoding of [...encodings].reverse()) {
    try {
      plain = await (DECODERS[encoding] as (typeof DECODERS)[string])(plain, { maxOutputLength: maxBytes });
    } catch (error) {
      return {
        ok: false,
        message: isTooLarge(error)
          ? `the upstream's ${encoding} body decodes past ${maxBytes} bytes`
          : `the upstream's ${encoding} body does not decode`,
      };
    }
  }
  return { ok: true, body: plain, encodings };
}

function isTooLarge(error: unknown): boolean {
  return error instanceof RangeError || (error as { code?: string })?.code === 'ERR_BUFFER_TOO_LARGE';
}
