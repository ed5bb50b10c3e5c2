import { describe, expect, it } from "vitest";
import { MAX_ISSUES, normalize } from "../src/index.ts";
import { boundedView } from "../src/issues.ts";

// A broken event can carry one problem per array element. normalize words the first
// MAX_ISSUES of them and counts the rest, so its cost (and what the relay stores) stays
// linear in the event's size: a message.to of 100,000 numbers once took 40 s.

const event = (message: Record<string, unknown>) => ({
  type: "message-received",
  time: "2026-01-01T00:00:00Z",
  message: { id: "m-big", ...message },
});

function rejected(input: unknown) {
  const result = normalize(input);
  if (result.success) throw new Error("expected the event to be rejected");
  return result;
}

describe("issues of events with many problems", () => {
  it("words the first MAX_ISSUES of 100,000 bad recipients and counts them all", () => {
    const result = rejected(event({ to: Array.from({ length: 100_000 }, (_, i) => i) }));
    expect(MAX_ISSUES).toBe(20);
    expect(result.issueCount).toBe(100_000);
    expect(result.issues.map((i) => i.path)).toEqual(
      Array.from({ length: MAX_ISSUES }, (_, i) => `message.to.${i}`),
    );
    expect(result.issues[7]?.message).toBe("message.to.7 must be a phone number (a string), got 7");
  });

  it("lets valibot see only up to the MAX_ISSUES-th bad element, and counts the rest", () => {
    // What keeps it linear: the schema never walks (or words) the 99,980 elements past the cut.
    const to = Array.from({ length: 100_000 }, (_, i) => i);
    const { view, uncounted } = boundedView(event({ to }));
    expect((view.message as { to: unknown[] }).to).toHaveLength(MAX_ISSUES);
    expect(uncounted).toBe(100_000 - MAX_ISSUES);
    // Good elements are kept whole: the cut falls right after the MAX_ISSUES-th bad one.
    const mixed = boundedView(event({ to: ["+15551230000", 1, "+15551230001", ...to] }));
    expect((mixed.view.message as { to: unknown[] }).to).toHaveLength(MAX_ISSUES + 2);
  });

  it("finds bad elements past a long run of good ones, at their real index", () => {
    const to: unknown[] = Array.from({ length: 50_000 }, () => "+15550001111");
    for (const i of [49_990, 49_995, 49_999]) to[i] = null;
    const result = rejected(event({ to }));
    expect(result.issueCount).toBe(3);
    expect(result.issues.map((i) => i.path)).toEqual([
      "message.to.49990",
      "message.to.49995",
      "message.to.49999",
    ]);
  });

  it("counts the problems of both arrays and of other fields, each once", () => {
    const result = rejected({
      ...event({
        to: [1, 2, ...Array.from({ length: 30 }, () => false)],
        media: Array.from({ length: 25 }, () => ({})),
        direction: "sideways",
      }),
      time: "yesterday",
    });
    // time, message.direction, 32 recipients and 25 media URLs.
    expect(result.issueCount).toBe(1 + 1 + 32 + 25);
    expect(result.issues).toHaveLength(MAX_ISSUES);
    expect(result.issues.slice(0, 3).map((i) => i.path)).toEqual([
      "time",
      "message.direction",
      "message.to.0",
    ]);
  });

  it("says an event with exactly MAX_ISSUES bad elements has MAX_ISSUES issues", () => {
    const result = rejected(event({ media: Array.from({ length: MAX_ISSUES }, (_, i) => i) }));
    expect(result.issueCount).toBe(MAX_ISSUES);
    expect(result.issues.at(-1)?.path).toBe(`message.media.${MAX_ISSUES - 1}`);
  });
});
