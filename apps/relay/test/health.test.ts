import { expect, test } from "vitest";
import { relayFetch } from "./helpers.ts";

test("GET /healthz answers 200 without auth", async () => {
  const res = await relayFetch("/healthz");
  expect(res.status).toBe(200);
});
