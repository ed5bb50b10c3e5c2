import { app } from "./app.ts";

export { EventShard } from "./shard/event-shard.ts";
export { TailHub } from "./tail/tail-hub.ts";
export { ConfigStore } from "./targets/config-store.ts";

export default app;
