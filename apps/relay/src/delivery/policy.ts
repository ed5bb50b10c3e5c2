/**
 * Pure delivery policy: how an attempt's outcome is classified and when the next one is due.
 * Kept free of I/O so every rule has a plain unit test.
 */

/** What one attempt came to, before the attempt budget is taken into account. */
export type AttemptClass =
  | { kind: "delivered" }
  /** Worth retrying later; `retryAfterMs` when the target said when (429/503 Retry-After). */
  | { kind: "retry"; retryAfterMs?: number }
  /** The target rejected this event; retrying gives the same answer. Replayable by hand. */
  | { kind: "failed" }
  /** 410 Gone: the target is disabled and its deliveries wait for it to be re-enabled. */
  | { kind: "gone" };

/** Statuses that mean "try again later", per the contract. */
const RETRYABLE_STATUSES = new Set([408, 425, 429]);

/** Bounds on a target's Retry-After, so a typo there neither hammers it nor parks it for days. */
export const RETRY_AFTER_MIN_MS = 1_000;
export const RETRY_AFTER_MAX_MS = 6 * 3_600_000;

/**
 * Classifies an HTTP response status (`null` for a network error or timeout).
 * `retryAfter` is the raw Retry-After header; `now` is used for its HTTP-date form.
 */
export function classifyAttempt(
  status: number | null,
  retryAfter: string | null = null,
  now = Date.now(),
): AttemptClass {
  if (status === null) return { kind: "retry" };
  if (status >= 200 && status < 300) return { kind: "delivered" };
  if (status === 410) return { kind: "gone" };
  if (RETRYABLE_STATUSES.has(status) || status >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter, now);
    return retryAfterMs === undefined ? { kind: "retry" } : { kind: "retry", retryAfterMs };
  }
  return { kind: "failed" };
}

/** Parses Retry-After (delay-seconds or HTTP-date) into milliseconds, clamped to the bounds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+$/.test(trimmed)) {
    ms = Number(trimmed) * 1000;
  } else {
    // An HTTP date (IMF-fixdate), e.g. "Tue, 01 Jan 2030 00:05:00 GMT"; nothing looser.
    if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(trimmed))
      return undefined;
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(RETRY_AFTER_MAX_MS, Math.max(RETRY_AFTER_MIN_MS, ms));
}

/** Growth per attempt and the cap of one wait: 10 attempts from 5 s spread over about a day. */
export const BACKOFF_FACTOR = 4;
export const BACKOFF_CAP_MS = 16 * 3_600_000;

/**
 * The one exponential backoff of the relay: `base * factor^(attempt-1)`, capped, where
 * `attempt` counts the attempts made so far (1 after the first failure). Deliveries draw a
 * jittered wait below it (retryDelayMs); media copies, with nobody else to collide with, wait
 * exactly this long.
 */
export function backoffCeilingMs(
  attempt: number,
  baseMs: number,
  factor: number,
  capMs = Number.POSITIVE_INFINITY,
): number {
  return Math.min(capMs, baseMs * factor ** Math.max(0, attempt - 1));
}

/**
 * Exponential backoff with full jitter: a uniformly random wait in
 * `[floor, min(cap, base * 4^(attempt-1))]`, where `attempt` is the number of attempts made
 * so far (1 after the first failure). The floor (the smaller of base and 1 s) keeps a retry
 * from landing in the same instant. With the default 5 s base the ceilings run 5 s, 20 s,
 * 80 s, 5 min, 21 min, 85 min, 5.7 h, 16 h, 16 h: about 20 h of expected spread.
 */
export function retryDelayMs(attempt: number, baseMs: number, random = Math.random): number {
  const ceiling = backoffCeilingMs(attempt, baseMs, BACKOFF_FACTOR, BACKOFF_CAP_MS);
  const floor = Math.min(baseMs, 1_000);
  return Math.round(floor + random() * Math.max(0, ceiling - floor));
}

/** What to store after an attempt, given the attempt budget. */
export type DeliveryDecision =
  | { status: "delivered" }
  | { status: "pending"; nextAttemptAt: number }
  | { status: "failed" }
  | { status: "dead" }
  | { status: "gone"; nextAttemptAt: number };

/**
 * Combines an attempt's class with the budget: a retryable outcome after `maxAttempts`
 * attempts is `dead`; a Retry-After wins over the computed backoff.
 */
export function decide(
  outcome: AttemptClass,
  attemptsMade: number,
  maxAttempts: number,
  baseMs: number,
  now: number,
  random = Math.random,
): DeliveryDecision {
  switch (outcome.kind) {
    case "delivered":
      return { status: "delivered" };
    case "failed":
      return { status: "failed" };
    case "gone":
      return { status: "gone", nextAttemptAt: now };
    case "retry": {
      if (attemptsMade >= maxAttempts) return { status: "dead" };
      const wait = outcome.retryAfterMs ?? retryDelayMs(attemptsMade, baseMs, random);
      return { status: "pending", nextAttemptAt: now + wait };
    }
  }
}
