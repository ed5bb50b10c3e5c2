import { HttpError } from "./errors.ts";
import { readUpTo } from "./read-limited.ts";

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
  const { bytes, truncated } = await readUpTo(request.body, maxBytes);
  if (truncated) throw tooLarge();
  return new TextDecoder().decode(bytes);
}
