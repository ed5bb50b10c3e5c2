import { Hono } from "hono";
import { configStub } from "../bindings.ts";
import { type RelayEnv, readSettings } from "../config.ts";
import { HttpError } from "../http/errors.ts";
import { jsonBody, parseOr400 } from "../http/validation.ts";
import { CreateTargetSchema, targetUrlProblem, UpdateTargetSchema } from "../targets/input.ts";

export const targets = new Hono<{ Bindings: RelayEnv }>();

const notFound = () => new HttpError(404, "not_found", "No target with this id.");

function checkUrl(env: RelayEnv, url: string | undefined): void {
  if (url === undefined) return;
  const problem = targetUrlProblem(url, readSettings(env).allowHttpTargets);
  if (problem) throw new HttpError(400, "invalid_request", `${problem}.`);
}

targets.get("/", async (c) => c.json({ targets: await configStub(c.env).listTargets() }));

targets.post("/", async (c) => {
  const input = parseOr400(CreateTargetSchema, await jsonBody(c.req.raw));
  checkUrl(c.env, input.url);
  const created = await configStub(c.env).createTarget(input);
  return c.json(created, 201);
});

targets.get("/:id", async (c) => {
  const target = await configStub(c.env).getTarget(c.req.param("id"));
  if (!target) throw notFound();
  return c.json({ target });
});

targets.patch("/:id", async (c) => {
  const patch = parseOr400(UpdateTargetSchema, await jsonBody(c.req.raw));
  checkUrl(c.env, patch.url);
  const target = await configStub(c.env).updateTarget(c.req.param("id"), patch);
  if (!target) throw notFound();
  return c.json({ target });
});

targets.delete("/:id", async (c) => {
  if (!(await configStub(c.env).deleteTarget(c.req.param("id")))) throw notFound();
  return c.body(null, 204);
});

targets.post("/:id/rotate-secret", async (c) => {
  const rotated = await configStub(c.env).rotateSecret(c.req.param("id"));
  if (!rotated) throw notFound();
  return c.json(rotated, 201);
});
