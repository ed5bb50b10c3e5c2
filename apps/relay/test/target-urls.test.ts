import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { targetUrlProblem } from "../src/targets/input.ts";
import { FetchStub } from "./fetch-stub.ts";
import {
  api,
  appRequest,
  postCallbacks,
  received,
  relayEnv,
  runAlarms,
  useRelayTestState,
} from "./helpers.ts";

useRelayTestState();
const fetchStub = FetchStub.useInEachTest();

interface ErrorBody {
  error: { code: string; message: string };
}

/** Hosts no production relay can reach, in the spellings the URL parser folds together. */
const UNREACHABLE_HOSTS = [
  // loopback
  "127.0.0.1",
  "127.0.0.1.",
  "127.255.255.254",
  "2130706433",
  "0x7f000001",
  "017700000001",
  "0x7f.1",
  "0x7F.0.0.1",
  "0177.0.0.1",
  "127.000.000.001",
  "127.1",
  "127.0.1",
  "%31%32%37.0.0.1",
  "１２７.０.０.１",
  "127.0.0.1:8443",
  // names
  "localhost",
  "LOCALHOST",
  "localhost.",
  "ｌｏｃａｌｈｏｓｔ",
  "api.localhost",
  "printer.local",
  "db.internal",
  "nas.home.arpa",
  // private, shared, link-local, unspecified, multicast, reserved
  "10.0.0.1",
  "10.255.255.255",
  "0xa.1",
  "167772161",
  "172.16.0.1",
  "172.31.255.255",
  "0xac.0x10.0.1",
  "192.168.1.1",
  "3232235777",
  "0300.0250.1.1",
  "100.64.0.1",
  "100.127.255.255",
  "169.254.169.254",
  "0xa9.0xfe.0xa9.0xfe",
  "0.0.0.0",
  "0",
  "0.1.2.3",
  "224.0.0.1",
  "239.255.255.250",
  "255.255.255.255",
  // IPv6
  "[::1]",
  "[0:0:0:0:0:0:0:1]",
  "[::]",
  "[fc00::1]",
  "[fd12:3456:789a::1]",
  "[fe80::1]",
  "[febf:ffff::1]",
  "[fec0::1]",
  "[ff02::1]",
  "[::ffff:127.0.0.1]",
  "[::ffff:7f00:1]",
  "[::FFFF:7F00:0001]",
  "[0:0:0:0:0:ffff:127.0.0.1]",
  "[::ffff:10.0.0.1]",
  "[::ffff:192.168.0.1]",
  "[::ffff:169.254.169.254]",
  "[::ffff:100.64.0.1]",
  "[::127.0.0.1]",
  "[::7f00:1]",
  "[::ffff:0:127.0.0.1]",
  "[64:ff9b::10.0.0.1]",
  "[::ffff:0.0.0.0]",
];

/** Public hosts, some of them next door to a refused range. */
const PUBLIC_URLS = [
  "https://hooks.example.com/bandwidth",
  "https://hooks.example.com:8443/bandwidth?tenant=acme",
  "https://localhost.example.com/",
  "https://local.example.com/",
  "https://8.8.8.8/hook",
  "https://11.0.0.1/",
  "https://100.63.255.255/",
  "https://100.128.0.1/",
  "https://126.255.255.255/",
  "https://128.0.0.1/",
  "https://169.253.1.1/",
  "https://172.15.255.255/",
  "https://172.32.0.1/",
  "https://192.167.1.1/",
  "https://192.169.0.1/",
  "https://223.255.255.255/",
  "https://[2606:4700:4700::1111]/hook",
  "https://[::ffff:8.8.8.8]/",
  "https://[fbff::1]/",
  "https://[fe00::1]/",
  "https://bücher.example/hook",
];

function createWith(url: string, env = relayEnv) {
  return appRequest(
    "/api/targets",
    {
      method: "POST",
      headers: { authorization: "Bearer test-admin-token", "content-type": "application/json" },
      body: JSON.stringify({ name: "t", url }),
    },
    env,
  );
}

describe("target URLs in production (ALLOW_HTTP_TARGETS=false)", () => {
  it("refuses every spelling of a loopback, private or local host, pointing to a tunnel", async () => {
    for (const host of UNREACHABLE_HOSTS) {
      const res = await createWith(`https://${host}/hook`);
      const body = await res.json<ErrorBody>();
      expect(res.status, host).toBe(400);
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.message, host).toMatch(/^url host .+ cannot reach/);
      expect(body.error.message).toContain("tunnel with a public https URL");
      expect(body.error.message).toContain("ALLOW_HTTP_TARGETS=true");
    }
    expect((await api<{ targets: unknown[] }>("/api/targets")).targets).toEqual([]);
  });

  it("says which address a disguised spelling is", async () => {
    const res = await createWith("https://0x7f.1/hook");
    expect((await res.json<ErrorBody>()).error.message).toContain(
      "url host 127.0.0.1 is a loopback (127.0.0.0/8) address",
    );
  });

  it("refuses a private host on PATCH too, and keeps the old URL", async () => {
    const { target } = await api<{ target: { id: string; url: string } }>("/api/targets", {
      method: "POST",
      body: { name: "t", url: "https://hooks.example.com/x" },
      expect: 201,
    });
    for (const url of ["https://192.168.0.10/x", "https://[::ffff:7f00:1]/x"]) {
      const res = await api<ErrorBody>(`/api/targets/${target.id}`, {
        method: "PATCH",
        body: { url },
        expect: 400,
      });
      expect(res.error.message).toContain("tunnel");
    }
    expect((await api<{ target: { url: string } }>(`/api/targets/${target.id}`)).target.url).toBe(
      "https://hooks.example.com/x",
    );
  });

  it("accepts public https targets, including neighbours of refused ranges", async () => {
    for (const url of PUBLIC_URLS) {
      const res = await createWith(url);
      expect(res.status, `${url}: ${await res.clone().text()}`).toBe(201);
    }
  });

  it("delivers to an ordinary https target, signed", async () => {
    const url = "https://hooks.example.com/bandwidth";
    fetchStub.on(url, 200);
    await api("/api/targets", { method: "POST", body: { name: "t", url }, expect: 201 });
    expect((await postCallbacks([received("m-public")])).status).toBe(200);
    await runAlarms();
    const [request] = fetchStub.to(url);
    expect(request?.headers.get("webhook-signature")).toMatch(/^v1,/);
  });

  it("refuses every spelling of a private IPv4 address (property)", () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const privateAddress = fc.oneof(
      fc.tuple(fc.constant(127), octet, octet, octet),
      fc.tuple(fc.constant(10), octet, octet, octet),
      fc.tuple(fc.constant(0), octet, octet, octet),
      fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), octet, octet),
      fc.tuple(fc.constant(192), fc.constant(168), octet, octet),
      fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), octet, octet),
      fc.tuple(fc.constant(169), fc.constant(254), octet, octet),
    );
    fc.assert(
      fc.property(privateAddress, fc.integer({ min: 0, max: 5 }), (address, style) => {
        const url = `https://${spell(address, style)}/hook`;
        expect(targetUrlProblem(url, false), url).toMatch(/cannot reach/);
        expect(targetUrlProblem(url, true)).toBeNull();
      }),
    );
  });
});

describe("target URLs in development (ALLOW_HTTP_TARGETS=true)", () => {
  it("keeps loopback, private and local hosts allowed, over http and https", async () => {
    const env = { ...relayEnv, ALLOW_HTTP_TARGETS: "true" };
    for (const host of UNREACHABLE_HOSTS) {
      for (const scheme of ["http", "https"]) {
        const res = await createWith(`${scheme}://${host}/hook`, env);
        expect(res.status, `${scheme}://${host}`).toBe(201);
        await api(`/api/targets/${(await res.json<{ target: { id: string } }>()).target.id}`, {
          method: "DELETE",
          expect: 204,
        });
      }
    }
    // Each create and delete pushes the targets to every shard: some seconds on a busy machine.
  }, 30_000);
});

describe("target URL text", () => {
  const BAD_TEXT = [
    "https://a.example.com/x\r\nX-Injected: 1",
    "https://a.example.com/x\n",
    "https://a.exa\nmple.com/",
    "https://a.example.com/\tx",
    "https://a.example.com/x\r",
    " https://a.example.com/",
    "https://a.example.com/ ",
    "https://a.example.com/a b",
    "https://a.example.com/\u0000",
    "https://a.example.com/\u0007",
    "https://a.example.com/\u007f",
    "https://a.example.com/\u0085",
    "https://a.example.com/\u00a0",
    "https://a.example.com/\u2028",
    "https://a.example.com/\u200b",
    "\ufeffhttps://a.example.com/",
    "https://a.example.com/\u3000",
    "https://a.example.com\\@evil.example/",
  ];
  const NO_SLASHES = [
    "https:evil.example",
    "https:/evil.example",
    "https:\\\\evil.example",
    "https:\\evil.example/",
    "https:",
  ];

  it("refuses whitespace and control characters anywhere in the URL", async () => {
    for (const url of BAD_TEXT) {
      const res = await api<ErrorBody>("/api/targets", {
        method: "POST",
        body: { name: "t", url },
        expect: 400,
      });
      expect(res.error.code).toBe("invalid_request");
      expect(res.error.message, JSON.stringify(url)).toContain(
        "url: must not contain whitespace, control characters or backslashes",
      );
    }
    expect((await api<{ targets: unknown[] }>("/api/targets")).targets).toEqual([]);
  });

  it("refuses a scheme not followed by //", async () => {
    for (const url of NO_SLASHES) {
      const res = await api<ErrorBody>("/api/targets", {
        method: "POST",
        body: { name: "t", url },
        expect: 400,
      });
      expect(res.error.message, url).toContain("url: must start with a scheme followed by //");
    }
  });

  it("refuses them on PATCH as well", async () => {
    const { target } = await api<{ target: { id: string } }>("/api/targets", {
      method: "POST",
      body: { name: "t", url: "https://hooks.example.com/x" },
      expect: 201,
    });
    for (const url of ["https://hooks.example.com/x\r\nX-Evil: 1", "https:hooks.example.com/y"]) {
      const res = await api<ErrorBody>(`/api/targets/${target.id}`, {
        method: "PATCH",
        body: { url },
        expect: 400,
      });
      expect(res.error.code).toBe("invalid_request");
    }
  });
});

/** An IPv4 address in one of the spellings the WHATWG URL parser accepts. */
function spell([a, b, c, d]: number[], style: number): string {
  const [w, x, y, z] = [a, b, c, d] as [number, number, number, number];
  const whole = ((w << 24) | (x << 16) | (y << 8) | z) >>> 0;
  switch (style) {
    case 0:
      return String(whole);
    case 1:
      return `0x${whole.toString(16)}`;
    case 2:
      return [w, x, y, z].map((n) => `0${n.toString(8)}`).join(".");
    case 3:
      return [w, x, y, z].map((n) => `0x${n.toString(16)}`).join(".");
    case 4:
      return `${w}.${(x << 16) | (y << 8) | z}`;
    default:
      return `${w}.${x}.${(y << 8) | z}.`;
  }
}
