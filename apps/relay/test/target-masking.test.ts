import { describe, expect, it } from "vitest";
import { FetchStub } from "./fetch-stub.ts";
import {
  ADMIN,
  api,
  postCallbacks,
  received,
  relayFetch,
  runAlarms,
  useRelayTestState,
} from "./helpers.ts";

useRelayTestState();
const fetchStub = FetchStub.useInEachTest();

const URL_WITH_CREDENTIALS =
  "https://hooks.example.com/x?token=q-secret-1&mode=q-secret-2&q-secret-3";
const MASKED_URL = "https://hooks.example.com/x?token=********&mode=********&********";
const HEADERS = {
  Authorization: "Bearer h-secret-1",
  "X-Api": "h-secret-2",
  "X-Tenant": "h-secret-3",
};
const MASKED_HEADERS = { Authorization: "********", "X-Api": "********", "X-Tenant": "********" };
const CONFIGURED = [
  "q-secret-1",
  "q-secret-2",
  "q-secret-3",
  "h-secret-1",
  "h-secret-2",
  "h-secret-3",
];

interface View {
  id: string;
  url: string;
  headers: Record<string, string>;
}

async function create() {
  return api<{ target: View; secret: string }>("/api/targets", {
    method: "POST",
    body: { name: "masked", url: URL_WITH_CREDENTIALS, headers: HEADERS },
    expect: 201,
  });
}

function expectNoConfiguredValue(response: unknown): void {
  const text = JSON.stringify(response);
  for (const value of CONFIGURED) expect(text).not.toContain(value);
}

describe("masking what a target is configured with", () => {
  it("masks every header value and query value in create, list, read and update", async () => {
    const created = await create();
    const listed = await api<{ targets: View[] }>("/api/targets");
    const read = await api<{ target: View }>(`/api/targets/${created.target.id}`);
    const patched = await api<{ target: View }>(`/api/targets/${created.target.id}`, {
      method: "PATCH",
      body: { name: "renamed" },
    });
    for (const target of [created.target, listed.targets[0], read.target, patched.target]) {
      expect(target?.url).toBe(MASKED_URL);
      expect(target?.headers).toEqual(MASKED_HEADERS);
    }
    for (const response of [created.target, listed, read, patched])
      expectNoConfiguredValue(response);
    const stats = await relayFetch("/api/stats", { headers: ADMIN });
    expectNoConfiguredValue(await stats.text());
  });

  it("masks what a PATCH sets, fragments included", async () => {
    const { target } = await create();
    const patched = await api<{ target: View }>(`/api/targets/${target.id}`, {
      method: "PATCH",
      body: {
        url: "https://hooks.example.com/y?sig=q-secret-1&empty=#q-secret-2",
        headers: { "X-Key": "h-secret-1" },
      },
    });
    expect(patched.target.url).toBe(
      "https://hooks.example.com/y?sig=********&empty=********#********",
    );
    expect(patched.target.headers).toEqual({ "X-Key": "********" });
    expectNoConfiguredValue(patched);
  });

  it("leaves a URL without query values as it was written", async () => {
    const url = "https://hooks.example.com/path/to/hook";
    const { target } = await api<{ target: View }>("/api/targets", {
      method: "POST",
      body: { name: "plain", url },
      expect: 201,
    });
    expect(target.url).toBe(url);
  });

  it("delivers with the stored values, not the mask", async () => {
    await create();
    fetchStub.on(URL_WITH_CREDENTIALS, 200);
    expect((await postCallbacks([received("m-masked")])).status).toBe(200);
    await runAlarms();
    const [request] = fetchStub.to(URL_WITH_CREDENTIALS);
    expect(request?.headers.get("authorization")).toBe("Bearer h-secret-1");
    expect(request?.headers.get("x-api")).toBe("h-secret-2");
    expect(request?.headers.get("x-tenant")).toBe("h-secret-3");
  });

  it("refuses the mask sent back, so an edit round trip cannot wipe a credential", async () => {
    const { target } = await create();
    for (const body of [{ headers: MASKED_HEADERS }, { url: MASKED_URL }]) {
      const res = await api<{ error: { code: string; message: string } }>(
        `/api/targets/${target.id}`,
        { method: "PATCH", body, expect: 400 },
      );
      expect(res.error.code).toBe("invalid_request");
      expect(res.error.message).toContain("the mask the API shows");
    }
    // The stored values are untouched: deliveries still carry them.
    fetchStub.on(URL_WITH_CREDENTIALS, 200);
    expect((await postCallbacks([received("m-mask-echo")])).status).toBe(200);
    await runAlarms();
    expect(fetchStub.to(URL_WITH_CREDENTIALS)[0]?.headers.get("x-tenant")).toBe("h-secret-3");
  });
});
