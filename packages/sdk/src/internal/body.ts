/**
 * Reading a response body without trusting it: at most `cap` bytes are ever held (counted after the
 * runtime decoded any `content-encoding`, so a gzip bomb is cut off like a plain large body), and a
 * declared `content-length` above the cap is refused before a byte is read.
 */
export interface CappedBody {
  text: string;
  /** True when the body was longer than the cap; `text` then holds only what was read. */
  overflow: boolean;
}

export async function readCapped(response: Response, cap: number): Promise<CappedBody> {
  const stream = response.body;
  if (!stream) return { text: '', overflow: false };
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const encoded = response.headers.has('content-encoding');
  if (!encoded && Number.isFinite(declared) && declared > cap) {
    void stream.cancel().catch(() => {});
    return { text: '', overflow: true };
  }
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      // Stop reading here: the rest is never pulled off the socket, let alone decompressed.
      void reader.cancel().catch(() => {});
      return { text: text + decoder.decode(), overflow: true };
    }
    text += decoder.decode(value, { stream: true });
  }
  return { text: text + decoder.decode(), overflow: false };
}

/** `application/json`, or any `application/…+json` (e.g. `application/problem+json`), parameters ignored. */
export function isJsonMediaType(contentType: string | null): boolean {
  if (!contentType) return false;
  const essence = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (essence === 'application/json') return true;
  return /^application\/[a-z0-9!#$&^_.-]+\+json$/.test(essence);
}
