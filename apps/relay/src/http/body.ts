import { HttpError } from "./errors.ts";

/**
 * Reads a request body as text, refusing with 413 as soon as it passes `maxBytes`, so an
 * oversized (or endless chunked) body is never buffered whole.
 */
export async function readBodyLimited(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    new HttpError(413, "payload_too_large", `The body is larger than ${maxBytes} bytes.`);
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge();
  if (!request.body) return "";
  // A declared length within the limit is enforced by the runtime: read it in one go.
  if (declared !== null && /^\d+$/.test(declared)) {
    const text = await request.text();
    if (text.length > maxBytes) throw tooLarge(); // a header that lied; cheap to double-check
    return text;
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
