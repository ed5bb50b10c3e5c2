/** `@bw-relay/cli/generate`: realistic Bandwidth callbacks (what `bw-relay trigger` sends). */
export {
  type BandwidthCallback,
  buildCallback,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_APPLICATION_ID,
  DEFAULT_OWNER,
  type GenerateOptions,
  generateCallbacks,
  generateLifecycle,
  type MessagePlan,
  planMessage,
  resolveType,
  TRIGGER_ALIASES,
} from "./callbacks.ts";
export { COMMON_ERROR_CODES, type Random } from "./values.ts";
