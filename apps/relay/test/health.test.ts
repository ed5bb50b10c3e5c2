import { exports } from "cloudflare:workers";
import { expect, test } from "vitest";

test("GET /healthz answers 200 without auth", async () => {
  const res = await exports.default.fetch("http://relay/healthz");
  expect(res.status).toBe(200);
});
