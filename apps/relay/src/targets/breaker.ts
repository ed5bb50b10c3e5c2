import type { BreakerState, TargetState } from "./model.ts";

/**
 * The circuit breaker, as a pure function over reports from the shards.
 * A target opens after at least FAILURE_THRESHOLD consecutive retryable failures spread over
 * at least OPEN_AFTER_MS; an open circuit lets a probe through every probe interval (doubling
 * up to MAX_PROBE_INTERVAL_MS) and closes on the first success.
 */
export const FAILURE_THRESHOLD = 20;
export const OPEN_AFTER_MS = 3_600_000;
export const FIRST_PROBE_INTERVAL_MS = 5 * 60_000;
export const MAX_PROBE_INTERVAL_MS = 3_600_000;

/** One shard's summary of one delivery run for one target. */
export interface OutcomeReport {
  targetId: string;
  /** Any 2xx or non-retryable answer in the run: the target is reachable. */
  reachable: boolean;
  /** Retryable failures after the last reachable answer in the run. */
  trailingFailures: number;
  /** When the first of those failures happened (ms). */
  firstTrailingFailureAt: number | null;
  lastError: string | null;
  /** The target answered 410 Gone. */
  gone: boolean;
}

export interface BreakerInput {
  state: TargetState;
  breaker: BreakerState;
}

export interface BreakerOutput {
  state: TargetState;
  stateReason: string | null | undefined;
  breaker: BreakerState;
  enabled?: boolean;
}

export function emptyBreaker(): BreakerState {
  return {
    consecutiveFailures: 0,
    failingSince: null,
    probeAt: null,
    probeIntervalMs: FIRST_PROBE_INTERVAL_MS,
    lastError: null,
  };
}

/**
 * Applies one report. `stateReason` undefined means "leave as it is".
 */
export function applyReport(
  target: BreakerInput,
  report: OutcomeReport,
  now: number,
): BreakerOutput {
  if (report.gone) {
    return {
      state: "disabled",
      enabled: false,
      stateReason: `The target answered 410 Gone at ${new Date(now).toISOString()}; re-enable it to resume.`,
      breaker: { ...emptyBreaker(), lastError: "410 Gone" },
    };
  }
  const b = target.breaker;
  let breaker: BreakerState;
  if (report.reachable) {
    breaker = {
      ...b,
      consecutiveFailures: report.trailingFailures,
      failingSince: report.trailingFailures > 0 ? report.firstTrailingFailureAt : null,
      lastError: report.lastError ?? b.lastError,
    };
    if (target.state === "circuit_open") {
      return {
        state: "active",
        stateReason: null,
        breaker: { ...breaker, probeAt: null, probeIntervalMs: FIRST_PROBE_INTERVAL_MS },
      };
    }
  } else {
    breaker = {
      ...b,
      consecutiveFailures: b.consecutiveFailures + report.trailingFailures,
      failingSince: b.failingSince ?? report.firstTrailingFailureAt,
      lastError: report.lastError ?? b.lastError,
    };
  }
  if (target.state === "circuit_open" && !report.reachable && report.trailingFailures > 0) {
    // A failed probe: wait longer before the next one.
    const interval = Math.min(MAX_PROBE_INTERVAL_MS, b.probeIntervalMs * 2);
    return {
      state: "circuit_open",
      stateReason: undefined,
      breaker: { ...breaker, probeIntervalMs: interval, probeAt: now + interval },
    };
  }
  if (
    target.state === "active" &&
    breaker.consecutiveFailures >= FAILURE_THRESHOLD &&
    breaker.failingSince !== null &&
    now - breaker.failingSince >= OPEN_AFTER_MS
  ) {
    const since = new Date(breaker.failingSince).toISOString();
    return {
      state: "circuit_open",
      stateReason: `Circuit open: ${breaker.consecutiveFailures} consecutive failures since ${since} (last: ${breaker.lastError ?? "unknown"}). Probing every few minutes.`,
      breaker: {
        ...breaker,
        probeAt: now + FIRST_PROBE_INTERVAL_MS,
        probeIntervalMs: FIRST_PROBE_INTERVAL_MS,
      },
    };
  }
  return { state: target.state, stateReason: undefined, breaker };
}
