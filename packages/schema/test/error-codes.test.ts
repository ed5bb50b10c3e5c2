import { describe, expect, it } from "vitest";
import { describeErrorCode, MESSAGING_ERROR_CODES } from "../src/index.ts";

describe("the error-code table", () => {
  it.each([
    [4432, "rejected-forbidden-country", "bandwidth-client", false],
    [4470, "rejected-spam-detected", "bandwidth-client", true],
    [4720, "invalid-destination-address", "carrier-client", true],
    [5106, "impossible-to-route", "bandwidth-service", false],
    [5600, "destination-carrier-queue-full", "carrier-service", true],
    [9902, "delivery-receipt-expired", "ambiguous", true],
    [9999, "unknown-error", "ambiguous", true],
  ])("%d is %s (%s, billable: %s)", (code, name, category, billable) => {
    expect(MESSAGING_ERROR_CODES.get(code)).toEqual({ code, name, category, billable });
  });

  it("holds every code of Bandwidth's current list, 4001 to 9999", () => {
    const current = [...MESSAGING_ERROR_CODES.values()].filter((info) => !info.historical);
    expect(current).toHaveLength(76);
    for (const info of current) expect(String(info.code)).toMatch(/^[459]\d{3}$/);
  });

  it("flags historical codes", () => {
    expect(MESSAGING_ERROR_CODES.get(4121)).toEqual({
      code: 4121,
      name: "rejected-as-spam",
      category: "bandwidth-client",
      billable: false,
      historical: true,
    });
  });

  it("bills only 4470 among Bandwidth client errors", () => {
    const billed = [...MESSAGING_ERROR_CODES.values()]
      .filter((info) => info.category === "bandwidth-client" && info.billable)
      .map((info) => info.code);
    expect(billed).toEqual([4470]);
  });
});

describe("describeErrorCode", () => {
  it("describes a known code, numeric strings too", () => {
    const expected = {
      code: 4432,
      name: "rejected-forbidden-country",
      category: "bandwidth-client",
      billable: false,
      retryable: false,
      known: true,
    };
    expect(describeErrorCode(4432)).toEqual(expected);
    expect(describeErrorCode("4432")).toEqual(expected);
  });

  it("marks service errors retryable (a retry may give a different result)", () => {
    expect(describeErrorCode(5600)).toMatchObject({ retryable: true, billable: true });
    expect(describeErrorCode(5100)).toMatchObject({ retryable: true, billable: false });
    expect(describeErrorCode(9902)).toMatchObject({ retryable: false, category: "ambiguous" });
  });

  it.each([
    [4476, "bandwidth-client", false, false],
    [4799, "carrier-client", true, false],
    [5123, "bandwidth-service", false, true],
    [5699, "carrier-service", true, true],
    [9001, "ambiguous", true, false],
  ])(
    "falls back to the class of an unlisted code: %d is %s",
    (code, category, billable, retryable) => {
      expect(describeErrorCode(code)).toEqual({
        code,
        name: "unknown-error-code",
        category,
        billable,
        retryable,
        known: false,
      });
    },
  );

  it.each([
    ["MFA's 3-digit 995", 995],
    ["a code starting with 1", 1234],
    ["a 5-digit code", 44320],
    ["a negative code", -4432],
    ["zero", 0],
  ])("calls %s unknown", (_, code) => {
    expect(describeErrorCode(code)).toMatchObject({ code, category: "unknown", known: false });
  });

  it.each(["", "abc", "0x1140", "44.32", "4432abc"])(
    "calls the string %j no code at all",
    (code) => {
      expect(describeErrorCode(code)).toMatchObject({ category: "unknown", known: false });
      expect(describeErrorCode(code).code).toBeNaN();
    },
  );
});
