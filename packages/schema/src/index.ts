/**
 * @bw-relay/schema: valibot schemas, types and pure helpers for Bandwidth messaging
 * callbacks. No Worker or Node APIs: Web Crypto and valibot only.
 */
export * from "./callbacks.ts";
export * from "./error-codes.ts";
export * from "./event-id.ts";
export * from "./json-text.ts";
export * from "./media-url.ts";
export * from "./normalize.ts";
export * from "./segments.ts";
export * from "./webhooks.ts";
