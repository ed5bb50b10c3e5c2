import { DurableObject } from "cloudflare:workers";
import { Hono } from "hono";

const app = new Hono<{ Bindings: Env }>();
app.get("/healthz", (c) => c.json({ ok: true }));

export class EventShard extends DurableObject<Env> {}
export class ConfigStore extends DurableObject<Env> {}

export default app;
