import type { RelayEnv } from "../config.ts";
import type { ConfigStore } from "./config-store.ts";

/** The one Config object: targets are few and change rarely, so one actor holds them all. */
export function configStub(env: RelayEnv): DurableObjectStub<ConfigStore> {
  return env.CONFIG.get(env.CONFIG.idFromName("config"));
}
