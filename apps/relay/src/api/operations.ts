/**
 * Every route of the relay, as the OpenAPI document describes it and the tests check it:
 * method, path (OpenAPI `{param}` form), who may call it, what it takes and what it answers
 * with each status. Adding a route means adding it here; the suite fails on a response whose
 * route or status is missing.
 */

import { CallbackEventSchema } from "@bw-relay/schema";
import {
  ADMIN_ERRORS,
  type Answer,
  type Auth,
  BODY_ERRORS,
  err,
  type Operation,
} from "./operation-types.ts";
import { ListQuerySchema, ReplaySchema, RetrySchema, ShardCountSchema } from "./requests.ts";
import { TARGET_OPERATIONS } from "./target-operations.ts";

export type { Answer, Auth, Operation };

export const OPERATIONS: readonly Operation[] = [
  {
    method: "get",
    path: "/healthz",
    summary: "Liveness: 200 when the Worker runs.",
    tag: "operations",
    auth: "none",
    responses: { 200: { description: "The Worker runs.", schema: "Health" } },
  },
  {
    method: "post",
    path: "/callbacks",
    summary:
      "What Bandwidth calls: a JSON array of callback events (or one event). 200 only once every event is stored.",
    tag: "callbacks",
    auth: "basic",
    body: CallbackEventSchema,
    responses: {
      200: {
        description: "Every event is stored (accepted, duplicate or quarantined).",
        schema: "CallbacksResponse",
      },
      400: err("`invalid_json` or `empty_batch`"),
      401: err("`unauthorized`, with a `WWW-Authenticate: Basic` challenge"),
      413: err("`payload_too_large`: over MAX_BODY_BYTES"),
      503: err("`not_configured` (no or refused credentials) or `storage_unavailable` (retry)"),
    },
  },
  ...TARGET_OPERATIONS,
  {
    method: "get",
    path: "/api/events",
    summary: "Recent events, newest first, with their deliveries.",
    tag: "events",
    auth: "bearer",
    query: ListQuerySchema,
    responses: {
      200: {
        description:
          "A page of events; `nextCursor` fetches the next; `failedShards` names shards that could not be read (a partial page).",
        schema: "EventList",
      },
      400: err("`invalid_query` (naming the parameter) or `invalid_cursor`"),
      401: ADMIN_ERRORS[401],
      503: err(
        "`not_configured` (ADMIN_TOKEN unset) or `storage_unavailable` (no shard could be read)",
      ),
    },
  },
  {
    method: "get",
    path: "/api/events/{id}",
    summary: "One event: raw and normalized forms, issues, every delivery and attempt.",
    tag: "events",
    auth: "bearer",
    responses: {
      200: { description: "The event.", schema: "EventDetail" },
      404: err("`not_found` (it may have been purged)"),
      ...ADMIN_ERRORS,
    },
  },
  {
    method: "post",
    path: "/api/events/{id}/replay",
    summary: "Queues a fresh delivery of an event, to one target or to every target that wants it.",
    tag: "events",
    auth: "bearer",
    body: ReplaySchema,
    responses: {
      202: { description: "How many deliveries were queued.", schema: "Queued" },
      ...BODY_ERRORS,
      404: err("`not_found` or `target_not_found`"),
      409: err("`event_quarantined` or `no_matching_target`"),
      ...ADMIN_ERRORS,
    },
  },
  {
    method: "post",
    path: "/api/deliveries/retry",
    summary: "Re-queues every failed or dead delivery (of one target, if given).",
    tag: "deliveries",
    auth: "bearer",
    body: RetrySchema,
    responses: {
      202: { description: "How many were queued.", schema: "Queued" },
      ...BODY_ERRORS,
      ...ADMIN_ERRORS,
    },
  },
  {
    method: "get",
    path: "/api/stats",
    summary: "Counts by status and type; per target deliveries, success rate, lag, oldest pending.",
    tag: "operations",
    auth: "bearer",
    responses: { 200: { description: "The figures.", schema: "Stats" }, ...ADMIN_ERRORS },
  },
  {
    method: "get",
    path: "/api/settings",
    summary: "The settings in force; secrets only as set or unset.",
    tag: "operations",
    auth: "bearer",
    responses: { 200: { description: "The settings.", schema: "Settings" }, ...ADMIN_ERRORS },
  },
  {
    method: "get",
    path: "/api/shards",
    summary:
      "The shard epochs: the shard count new messages go to, and the older counts still live.",
    tag: "operations",
    auth: "bearer",
    responses: { 200: { description: "The epochs.", schema: "ShardEpochs" }, ...ADMIN_ERRORS },
  },
  {
    method: "post",
    path: "/api/shards",
    summary:
      "Changes the shard count without moving anything: messages first seen from now on go to a new epoch of shards; a message seen before stays where it is.",
    tag: "operations",
    auth: "bearer",
    body: ShardCountSchema,
    responses: {
      201: { description: "The epoch opened, and all epochs.", schema: "ShardEpochs" },
      409: err(
        "`shard_count_unchanged`: already that count; `too_many_epochs`: 4 epochs are live, wait until the oldest retires",
      ),
      ...BODY_ERRORS,
      ...ADMIN_ERRORS,
    },
  },
  {
    method: "get",
    path: "/api/openapi.json",
    summary: "This document.",
    tag: "operations",
    auth: "bearer",
    responses: { 200: { description: "OpenAPI 3.1.", mediaType: null }, ...ADMIN_ERRORS },
  },
  {
    method: "get",
    path: "/api/tail",
    summary:
      'WebSocket: `{"event": EventSummary}` per accepted event and `{"delivery": …}` per delivery attempt as it ends. The token as a bearer header, as the subprotocol `bw-relay.bearer.<base64url>` (browsers), or `?token=`.',
    tag: "events",
    auth: "bearer-or-query-token",
    responses: {
      101: { description: "Switching to the WebSocket.", mediaType: null },
      426: err("`upgrade_required`: not a WebSocket request"),
      ...ADMIN_ERRORS,
    },
  },
  {
    method: "get",
    path: "/metrics",
    summary: "Prometheus text format: events, deliveries by outcome, pending, oldest pending age.",
    tag: "operations",
    auth: "bearer",
    responses: { 200: { description: "The metrics.", mediaType: "text/plain" }, ...ADMIN_ERRORS },
  },
  {
    method: "get",
    path: "/media/{token}",
    summary: "The media proxy (MEDIA_MODE=proxy): the signed token is the only authorization.",
    tag: "media",
    auth: "media-token",
    responses: {
      200: { description: "The media file.", mediaType: "application/octet-stream" },
      206: { description: "A range of it.", mediaType: "application/octet-stream" },
      403: err("`invalid_media_token`"),
      404: err("`media_not_found`: Bandwidth no longer has it and there is no copy"),
      410: err("`media_expired`"),
      416: err("`range_not_satisfiable`"),
      502: err("`upstream_auth_failed`, `upstream_unreachable` or `upstream_error`"),
      503: err("`not_configured`: MEDIA_SIGNING_KEY or the API credentials are not set"),
    },
  },
  {
    method: "head",
    path: "/media/{token}",
    summary: "The media proxy's headers (size, type, ranges) without the file.",
    tag: "media",
    auth: "media-token",
    responses: {
      200: { description: "The media file's headers.", mediaType: null },
      206: { description: "A range's headers.", mediaType: null },
      403: { description: "`invalid_media_token`", mediaType: null },
      404: { description: "`media_not_found`", mediaType: null },
      410: { description: "`media_expired`", mediaType: null },
      416: { description: "`range_not_satisfiable`", mediaType: null },
      502: { description: "The upstream failed.", mediaType: null },
      503: { description: "`not_configured`", mediaType: null },
    },
  },
];
