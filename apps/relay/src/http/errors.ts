import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The one error body shape of the contract: `{"error":{"code","message"}}`. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/**
 * An expected failure with its status and code. Anything else thrown becomes a plain 500
 * whose details stay out of the response.
 */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

export function errorResponse(
  status: ContentfulStatusCode,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json(errorBody(code, message), { status, headers });
}
