import { describe, expect, it } from "vitest";
import type { RelayEnv } from "../src/config.ts";
import { decodeBasic, matchesAny } from "../src/http/auth.ts";
import { callbackCredentials } from "../src/http/callback-credentials.ts";

describe("decodeBasic", () => {
  it("decodes user:pass, including UTF-8 and colons in the password", () => {
    expect(decodeBasic(`Basic ${btoa("bandwidth:pa:ss")}`)).toBe("bandwidth:pa:ss");
    const utf8 = btoa(String.fromCharCode(...new TextEncoder().encode("jos\u00e9:\u00f1")));
    expect(decodeBasic(`basic ${utf8}`)).toBe("jos\u00e9:\u00f1");
  });

  it("reads ISO-8859-1 credentials as such instead of calling them missing", () => {
    // "josé:ñ" in Latin-1: é and ñ are single bytes that are not valid UTF-8.
    expect(decodeBasic(`Basic ${btoa("jos\u00e9:\u00f1")}`)).toBe("jos\u00e9:\u00f1");
  });

  it("tells a missing header from one that is not Basic credentials", () => {
    expect(decodeBasic(undefined)).toBe("absent");
    expect(decodeBasic("")).toBe("absent");
    for (const header of ["Bearer x", "Basic", "Basic %%%", `Basic ${btoa("nocolon")}`]) {
      expect(decodeBasic(header), header).toBe("malformed");
    }
  });
});

const env = (vars: Partial<RelayEnv>) => ({ ...vars }) as RelayEnv;

describe("callbackCredentials", () => {
  it("merges the primary pair with one user:password per line; the first colon splits", () => {
    expect(
      callbackCredentials(
        env({
          CALLBACK_USERNAME: "u",
          CALLBACK_PASSWORD: "p",
          CALLBACK_CREDENTIALS: " a:b \r\n\nu5:pa,ss\nc:d:e",
        }),
      ),
    ).toEqual({ pairs: ["u:p", "a:b", "u5:pa,ss", "c:d:e"] });
    expect(callbackCredentials(env({}))).toEqual({ pairs: [] });
  });

  it("takes a JSON array of {username, password}", () => {
    expect(
      callbackCredentials(
        env({
          CALLBACK_CREDENTIALS:
            '[{"username":"x","password":"p,1"},{"username":"y","password":":"}]',
        }),
      ),
    ).toEqual({ pairs: ["x:p,1", "y::"] });
  });

  it("refuses the whole setting, naming the entry but no value, when any entry is wrong", () => {
    const cases: [Partial<RelayEnv>, string][] = [
      [{ CALLBACK_CREDENTIALS: "a:b\nu4:" }, "CALLBACK_CREDENTIALS: line 2: the password is empty"],
      [
        { CALLBACK_CREDENTIALS: "a:b\nbroken" },
        "CALLBACK_CREDENTIALS: line 2 has no colon (user:password)",
      ],
      [{ CALLBACK_CREDENTIALS: ":secret" }, "CALLBACK_CREDENTIALS: line 1: the username is empty"],
      [{ CALLBACK_CREDENTIALS: "[{" }, "CALLBACK_CREDENTIALS: starts with [ but is not valid JSON"],
      [
        { CALLBACK_CREDENTIALS: '[{"username":"a","password":"hunter2"},{"username":"b"}]' },
        'CALLBACK_CREDENTIALS: entry 2 must be {"username": "…", "password": "…"}',
      ],
      [
        { CALLBACK_CREDENTIALS: '[{"username":"a:b","password":"hunter2"}]' },
        "CALLBACK_CREDENTIALS: entry 1: the username contains a colon",
      ],
      [
        { CALLBACK_CREDENTIALS: '{"username":"a","password":"hunter2"}' },
        "CALLBACK_CREDENTIALS: is a JSON object; give an array of pairs",
      ],
      [
        { CALLBACK_USERNAME: "u", CALLBACK_PASSWORD: "" },
        "CALLBACK_USERNAME/CALLBACK_PASSWORD: the password is empty",
      ],
    ];
    for (const [vars, problem] of cases) {
      const result = callbackCredentials(env(vars));
      expect(result, problem).toEqual({ problem });
      expect(problem).not.toContain("hunter2");
    }
  });
});

describe("matchesAny", () => {
  it("matches any candidate and nothing else", async () => {
    expect(await matchesAny("a:b", ["x:y", "a:b"])).toBe(true);
    expect(await matchesAny("a:b ", ["x:y", "a:b"])).toBe(false);
    expect(await matchesAny("", [])).toBe(false);
  });
});
