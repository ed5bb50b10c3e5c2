/** What `readUpTo` got: at most `maxBytes` bytes, and whether the stream had more. */
export interface LimitedRead {
  bytes: Uint8Array;
  /** The stream held more than `maxBytes`; what is past the limit was never buffered. */
  truncated: boolean;
}

/**
 * Reads a byte stream until it ends or passes `maxBytes`, then cancels it, so an endless or
 * oversized body is never buffered whole. With `keepPartialOnError`, a stream that breaks off
 * yields what arrived before the break instead of throwing.
 */
export async function readUpTo(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  options: { keepPartialOnError?: boolean } = {},
): Promise<LimitedRead> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size + value.byteLength > maxBytes) {
        chunks.push(value.subarray(0, maxBytes - size));
        size = maxBytes;
        truncated = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } catch (err) {
    if (!options.keepPartialOnError) throw err;
  } finally {
    reader.cancel().catch(() => {});
  }
  return { bytes: concat(chunks, size), truncated };
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]?.byteLength === size) return chunks[0];
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
