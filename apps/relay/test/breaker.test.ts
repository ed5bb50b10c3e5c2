import { describe, expect, it } from "vitest";
import {
  applyReport,
  emptyBreaker,
  FAILURE_THRESHOLD,
  FIRST_PROBE_INTERVAL_MS,
  OPEN_AFTER_MS,
  type OutcomeReport,
} from "../src/targets/breaker.ts";

const T = 1_900_000_000_000;
const failures = (n: number, at: number): OutcomeReport => ({
  targetId: "t",
  reachable: false,
  trailingFailures: n,
  firstTrailingFailureAt: at,
  lastError: "HTTP 500",
  gone: false,
});
const success: OutcomeReport = {
  targetId: "t",
  reachable: true,
  trailingFailures: 0,
  firstTrailingFailureAt: null,
  lastError: null,
  gone: false,
};

describe("circuit breaker", () => {
  it("stays closed with many failures inside an hour", () => {
    const out = applyReport(
      { state: "active", breaker: emptyBreaker() },
      failures(100, T),
      T + OPEN_AFTER_MS - 1,
    );
    expect(out.state).toBe("active");
    expect(out.breaker.consecutiveFailures).toBe(100);
  });

  it("stays closed with few failures over a long time", () => {
    const out = applyReport(
      { state: "active", breaker: emptyBreaker() },
      failures(FAILURE_THRESHOLD - 1, T),
      T + 5 * OPEN_AFTER_MS,
    );
    expect(out.state).toBe("active");
  });

  it("opens after the threshold over an hour, with a reason and a probe time", () => {
    const first = applyReport({ state: "active", breaker: emptyBreaker() }, failures(10, T), T);
    const out = applyReport(
      { state: first.state, breaker: first.breaker },
      failures(10, T + 1000),
      T + OPEN_AFTER_MS,
    );
    expect(out.state).toBe("circuit_open");
    expect(out.stateReason).toContain("20 consecutive failures");
    expect(out.breaker.probeAt).toBe(T + OPEN_AFTER_MS + FIRST_PROBE_INTERVAL_MS);
  });

  it("a success resets the count", () => {
    const first = applyReport({ state: "active", breaker: emptyBreaker() }, failures(15, T), T);
    const out = applyReport({ state: "active", breaker: first.breaker }, success, T + 1);
    expect(out.breaker).toMatchObject({ consecutiveFailures: 0, failingSince: null });
  });

  it("a failed probe doubles the interval; a successful one closes the circuit", () => {
    const open = {
      state: "circuit_open" as const,
      breaker: { ...emptyBreaker(), consecutiveFailures: 30, failingSince: T, probeAt: T },
    };
    const failed = applyReport(open, failures(1, T), T);
    expect(failed.state).toBe("circuit_open");
    expect(failed.breaker.probeAt).toBe(T + 2 * FIRST_PROBE_INTERVAL_MS);
    const closed = applyReport({ state: "circuit_open", breaker: failed.breaker }, success, T + 1);
    expect(closed).toMatchObject({ state: "active", stateReason: null });
  });

  it("410 disables the target", () => {
    const out = applyReport(
      { state: "active", breaker: emptyBreaker() },
      { ...success, gone: true },
      T,
    );
    expect(out).toMatchObject({ state: "disabled", enabled: false });
  });
});
