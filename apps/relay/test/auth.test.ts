import { describe, expect, it } from "vitest";
import type { RelayEnv } from "../src/config.ts";
import { callbackCredentials, decodeBasic, matchesAny } from "../src/http/auth.ts";

describe("decodeBasic", () => {
  it("decodes user:pass, including UTF-8 and colons in the password", () => {
    expect(decodeBasic(`Basic ${btoa("bandwidth:pa:ss")}`)).toBe("bandwidth:pa:ss");
    const utf8 = btoa(String.fromCharCode(...new TextEncoder().encode("jos\u00e9:\u00f1")));
    expect(decodeBasic(`basic ${utf8}`)).toBe("jos\u00e9:\u00f1");
  });
  it("returns null for anything else", () => {
    for (const header of [
      undefined,
      "",
      "Bearer x",
      "Basic",
      "Basic %%%",
      `Basic ${btoa("nocolon")}`,
    ]) {
      expect(decodeBasic(header)).toBeNull();
    }
  });
});

describe("callbackCredentials", () => {
  it("merges the primary pair with CALLBACK_CREDENTIALS, split by newlines or commas", () => {
    const env = {
      CALLBACK_USERNAME: "u",
      CALLBACK_PASSWORD: "p",
      CALLBACK_CREDENTIALS: " a:b \n\nc:d,e:f,broken",
    } as RelayEnv;
    expect(callbackCredentials(env)).toEqual(["u:p", "a:b", "c:d", "e:f"]);
    expect(callbackCredentials({} as RelayEnv)).toEqual([]);
  });
});

describe("matchesAny", () => {
  it("matches any candidate and nothing else", async () => {
    expect(await matchesAny("a:b", ["x:y", "a:b"])).toBe(true);
    expect(await matchesAny("a:b ", ["x:y", "a:b"])).toBe(false);
    expect(await matchesAny("", [])).toBe(false);
  });
});
