import { Hono } from "hono";
import { type RelayEnv, readSettings } from "../config.ts";
import { callbackCredentials } from "../http/callback-credentials.ts";
import { mediaSigningKeys } from "../media/token.ts";

export const settings = new Hono<{ Bindings: RelayEnv }>();

/** How a secret is reported: whether it is set, never its value. */
const isSet = (value: string | undefined) => (value ? "set" : "unset");

/**
 * `GET /api/settings`: the settings in force, as the Worker read them: vars with their
 * values, secrets only as set or unset (and how many pairs or keys). What an operator checks
 * first when a setting seems to have no effect (a typo, a secret put to another environment).
 */
settings.get("/", (c) => {
  const s = readSettings(c.env);
  const credentials = callbackCredentials(c.env);
  return c.json({
    settings: {
      SHARD_COUNT: s.shardCount,
      RETENTION_HOURS: s.retentionMs / 3_600_000,
      MAX_BODY_BYTES: s.maxBodyBytes,
      MEDIA_MODE: s.mediaMode,
      MEDIA_ARCHIVE: s.mediaArchive,
      ALLOW_HTTP_TARGETS: s.allowHttpTargets,
      RETRY_BASE_MS: s.retryBaseMs,
      PUBLIC_URL: s.publicOrigin,
      MEDIA_ACCOUNT_IDS: s.mediaAccountIds ? [...s.mediaAccountIds] : null,
      SHARD_LOCATION_HINT: s.shardLocationHint,
      SHARD_JURISDICTION: s.shardJurisdiction,
      CALLBACK_USERNAME: isSet(c.env.CALLBACK_USERNAME),
      CALLBACK_PASSWORD: isSet(c.env.CALLBACK_PASSWORD),
      CALLBACK_CREDENTIALS:
        "problem" in credentials
          ? { refused: credentials.problem }
          : { pairs: credentials.pairs.length },
      ADMIN_TOKEN: "set",
      MEDIA_SIGNING_KEY: { keys: mediaSigningKeys(c.env.MEDIA_SIGNING_KEY).length },
      BANDWIDTH_API_USERNAME: isSet(c.env.BANDWIDTH_API_USERNAME),
      BANDWIDTH_API_PASSWORD: isSet(c.env.BANDWIDTH_API_PASSWORD),
      MEDIA_BUCKET: c.env.MEDIA ? "bound" : "unbound",
    },
  });
});
