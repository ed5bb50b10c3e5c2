import { describe, expect, it } from "vitest";
import checkedIn from "../../../docs/openapi.json?raw";
import { api, useRelayTestState } from "./helpers.ts";

describe("GET /api/openapi.json", () => {
  useRelayTestState();

  it("serves the document checked in as docs/openapi.json (run `pnpm --filter @bw-relay/relay openapi` after an API change)", async () => {
    const served = await api<Record<string, unknown>>("/api/openapi.json");
    expect(served).toEqual(JSON.parse(checkedIn));
    expect(served.openapi).toBe("3.1.0");
  });

  it("describes every route with its statuses and the schemas of its bodies", async () => {
    const doc = await api<{ paths: Record<string, Record<string, { responses: object }>> }>(
      "/api/openapi.json",
    );
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/api/deliveries/retry",
      "/api/events",
      "/api/events/{id}",
      "/api/events/{id}/replay",
      "/api/openapi.json",
      "/api/settings",
      "/api/shards",
      "/api/stats",
      "/api/tail",
      "/api/targets",
      "/api/targets/{id}",
      "/api/targets/{id}/rotate-secret",
      "/api/targets/{id}/test",
      "/callbacks",
      "/healthz",
      "/media/{token}",
      "/metrics",
    ]);
    expect(Object.keys(doc.paths["/api/targets/{id}"] ?? {}).sort()).toEqual([
      "delete",
      "get",
      "patch",
    ]);
  });
});
