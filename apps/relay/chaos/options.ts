/** The chaos run's knobs (environment variables; see README.md). */
import { envNumber } from "../bench/lib/env.ts";

export function chaosOptions() {
  const durationSec = envNumber("CHAOS_DURATION", 60);
  const cap = process.env.CHAOS_FAULT_CAP;
  return {
    /** Callbacks per second (one event each), evenly spaced. */
    rate: envNumber("CHAOS_RATE", 50),
    durationSec,
    /** When the runtime is SIGKILLed, seconds into the load. */
    killAtSec: envNumber("CHAOS_KILL_AT", Math.round(durationSec * 0.4), 0),
    /** How long to wait after the load for every acknowledged event to arrive. */
    drainCapSec: envNumber("CHAOS_DRAIN", 90),
    /** The relay's RETRY_BASE_MS. */
    retryBaseMs: envNumber("CHAOS_RETRY_BASE_MS", 200),
    /** The target's timeoutMs (a hung request fails after this). */
    timeoutMs: envNumber("CHAOS_TIMEOUT_MS", 2_000, 1_000),
    /** The target's maxAttempts (at most 50). */
    maxAttempts: envNumber("CHAOS_MAX_ATTEMPTS", 50),
    /** Faults at most per event; `off` for none (the drain then has no bound; see README). */
    faultCap: cap === "off" ? Number.POSITIVE_INFINITY : envNumber("CHAOS_FAULT_CAP", 4, 0),
    /** Seed of the target's fault sequence; printed, so a run can be replayed. */
    seed: envNumber("CHAOS_SEED", Date.now() % 1_000_000, 0),
    /** How long the sender retries one request before giving up on it. */
    senderPatienceSec: envNumber("CHAOS_SENDER_PATIENCE", 120),
    connections: 16,
  };
}

export type ChaosOptions = ReturnType<typeof chaosOptions>;
