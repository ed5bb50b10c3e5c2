import { expect, test } from "vitest";
import { KNOWN_EVENT_TYPES } from "../src/index.ts";

test("placeholder", () => {
  expect(KNOWN_EVENT_TYPES).toContain("message-received");
});
