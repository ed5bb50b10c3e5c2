import { describe, expect, it } from "vitest";
import {
  BACKOFF_CAP_MS,
  classifyAttempt,
  decide,
  parseRetryAfter,
  RETRY_AFTER_MAX_MS,
  RETRY_AFTER_MIN_MS,
  retryDelayMs,
} from "../src/delivery/policy.ts";

describe("classifyAttempt", () => {
  it.each([
    [200, "delivered"],
    [201, "delivered"],
    [299, "delivered"],
    [300, "failed"],
    [302, "failed"],
    [400, "failed"],
    [401, "failed"],
    [404, "failed"],
    [409, "failed"],
    [422, "failed"],
    [408, "retry"],
    [425, "retry"],
    [429, "retry"],
    [500, "retry"],
    [502, "retry"],
    [503, "retry"],
    [599, "retry"],
    [410, "gone"],
    [null, "retry"],
  ] as const)("%s -> %s", (status, kind) => {
    expect(classifyAttempt(status).kind).toBe(kind);
  });

  it("reads Retry-After on 429 and 503 only when it parses", () => {
    expect(classifyAttempt(429, "30")).toEqual({ kind: "retry", retryAfterMs: 30_000 });
    expect(classifyAttempt(503, "soon")).toEqual({ kind: "retry" });
    expect(classifyAttempt(400, "30")).toEqual({ kind: "failed" });
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2030-01-01T00:00:00Z");
  it("takes seconds and HTTP dates, clamped to its bounds", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("0", now)).toBe(RETRY_AFTER_MIN_MS);
    expect(parseRetryAfter("9999999", now)).toBe(RETRY_AFTER_MAX_MS);
    expect(parseRetryAfter("Tue, 01 Jan 2030 00:05:00 GMT", now)).toBe(300_000);
    expect(parseRetryAfter("Mon, 31 Dec 2029 00:00:00 GMT", now)).toBe(RETRY_AFTER_MIN_MS);
    expect(parseRetryAfter("-5", now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe("retryDelayMs", () => {
  it("grows by 4x per attempt with full jitter, from a floor to the cap", () => {
    expect(retryDelayMs(1, 5000, () => 0)).toBe(1000);
    expect(retryDelayMs(1, 5000, () => 1)).toBe(5000);
    expect(retryDelayMs(2, 5000, () => 1)).toBe(20_000);
    expect(retryDelayMs(3, 5000, () => 1)).toBe(80_000);
    expect(retryDelayMs(20, 5000, () => 1)).toBe(BACKOFF_CAP_MS);
    expect(retryDelayMs(2, 5000, () => 0.5)).toBe(10_500);
  });

  it("spreads 10 attempts from 5 s over about a day at the ceilings", () => {
    let total = 0;
    for (let attempt = 1; attempt < 10; attempt++) total += retryDelayMs(attempt, 5000, () => 1);
    // 39.6 hours: past Bandwidth's 24 h of its own retries, within two days of retention.
    expect(total).toBe(142_505_000);
  });
});

describe("decide", () => {
  const now = 1_000_000;
  it("retries within the budget and is dead after it", () => {
    expect(decide({ kind: "retry" }, 1, 3, 5000, now, () => 1)).toEqual({
      status: "pending",
      nextAttemptAt: now + 5000,
    });
    expect(decide({ kind: "retry" }, 3, 3, 5000, now)).toEqual({ status: "dead" });
  });
  it("lets Retry-After win over the backoff", () => {
    expect(decide({ kind: "retry", retryAfterMs: 60_000 }, 1, 3, 5000, now)).toEqual({
      status: "pending",
      nextAttemptAt: now + 60_000,
    });
  });
  it("passes delivered, failed and gone through", () => {
    expect(decide({ kind: "delivered" }, 1, 3, 5000, now)).toEqual({ status: "delivered" });
    expect(decide({ kind: "failed" }, 1, 3, 5000, now)).toEqual({ status: "failed" });
    expect(decide({ kind: "gone" }, 1, 3, 5000, now)).toEqual({
      status: "gone",
      nextAttemptAt: now,
    });
  });
});
