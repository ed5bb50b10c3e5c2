import { eventIdSync, normalize } from "@bw-relay/schema";
import { Hono } from "hono";
import { configStub } from "../bindings.ts";
import { type RelayEnv, readSettings } from "../config.ts";
import { sendDelivery } from "../delivery/send.ts";
import { HttpError } from "../http/errors.ts";
import { eventTraceparent, traceOf } from "../http/trace-context.ts";
import { jsonBody, parseOr400 } from "../http/validation.ts";
import {
  CreateTargetSchema,
  RotateSecretSchema,
  targetUrlProblem,
  UpdateTargetSchema,
} from "../targets/input.ts";
import type { Refusal } from "../targets/model.ts";
import { sampleEvent } from "../targets/sample-event.ts";

export const targets = new Hono<{ Bindings: RelayEnv }>();

const notFound = () => new HttpError(404, "not_found", "No target with this id.");

function checkUrl(env: RelayEnv, url: string | undefined): void {
  if (url === undefined) return;
  const problem = targetUrlProblem(url, readSettings(env).allowHttpTargets);
  if (problem) throw new HttpError(400, "invalid_request", `${problem}.`);
}

/** The Config object answers refusals as values: an error thrown over RPC loses its class. */
function accepted<T extends object>(result: T | Refusal | null): T {
  if (result === null) throw notFound();
  if ("refused" in result) {
    const { status, code, message } = result.refused;
    throw new HttpError(status, code, message);
  }
  return result;
}

targets.get("/", async (c) => c.json({ targets: await configStub(c.env).listTargets() }));

targets.post("/", async (c) => {
  const input = parseOr400(CreateTargetSchema, await jsonBody(c.req.raw));
  checkUrl(c.env, input.url);
  const created = accepted(await configStub(c.env).createTarget(input));
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
  const updated = accepted(await configStub(c.env).updateTarget(c.req.param("id"), patch));
  return c.json(updated);
});

targets.delete("/:id", async (c) => {
  if (!(await configStub(c.env).deleteTarget(c.req.param("id")))) throw notFound();
  return c.body(null, 204);
});

targets.post("/:id/rotate-secret", async (c) => {
  const { secret } = parseOr400(RotateSecretSchema, await jsonBody(c.req.raw));
  const rotated = accepted(await configStub(c.env).rotateSecret(c.req.param("id"), secret));
  return c.json(rotated, 201);
});

/**
 * `POST /api/targets/:id/test`: one signed sample delivery, now, whatever the target's state
 * (the operator asks); answers what the target answered. Nothing is stored or retried.
 */
targets.post("/:id/test", async (c) => {
  const target = await configStub(c.env).deliveryTarget(c.req.param("id"));
  if (!target) throw notFound();
  const event = normalize(sampleEvent());
  if (!event.success) throw new Error("the sample event does not validate");
  const eventId = eventIdSync(event.event);
  const result = await sendDelivery({
    target,
    eventId,
    normalizedJson: JSON.stringify(event.event),
    attempt: 1,
    traceparent: eventTraceparent(traceOf(c.req.header("traceparent"))),
  });
  return c.json({
    eventId,
    statusCode: result.statusCode,
    durationMs: result.durationMs,
    error: result.error,
    responseExcerpt: result.responseExcerpt,
  });
});
