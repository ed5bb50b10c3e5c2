/** The shape of one route's description (operations.ts), and the errors many routes share. */

import type { ResponseName } from "@bw-relay/api";
import type * as v from "valibot";

export type Auth = "none" | "basic" | "bearer" | "bearer-or-query-token" | "media-token";

/** A response: a named JSON schema, or another media type. */
export type Answer =
  | { description: string; schema: ResponseName }
  | { description: string; mediaType: "text/plain" | "application/octet-stream" | null };

export interface Operation {
  method: "get" | "post" | "patch" | "delete" | "head";
  path: string;
  summary: string;
  tag: "callbacks" | "targets" | "events" | "deliveries" | "operations" | "media";
  auth: Auth;
  query?:
    | v.ObjectSchema<v.ObjectEntries, undefined>
    | v.StrictObjectSchema<v.ObjectEntries, undefined>;
  body?: v.GenericSchema;
  responses: Record<number, Answer>;
}

export const err = (description: string): Answer => ({ description, schema: "ErrorResponse" });
export const ADMIN_ERRORS = {
  401: err("`unauthorized`: no or a wrong bearer token"),
  503: err("`not_configured`: ADMIN_TOKEN is not set"),
};
export const BODY_ERRORS = {
  400: err("`invalid_json` or `invalid_request`, naming the field"),
  413: err("`payload_too_large`: the body is over 1 MiB"),
};
