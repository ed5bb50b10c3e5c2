/**
 * The confirmation prompt asks on stderr, so on a terminal `--json` output (stdout) holds only
 * the result, even when stdout is piped or redirected.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { Io } from "../src/io.ts";
import { confirm } from "../src/prompt.ts";

function terminal(stdoutIsTTY: boolean) {
  let stdout = "";
  let stderr = "";
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const err = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
  err.on("data", (c: Buffer) => (stderr += c.toString()));
  const io: Io = {
    stdin,
    stdout: { write: (c: string) => (stdout += c), isTTY: stdoutIsTTY },
    stderr: err,
    env: {},
    cwd: "/",
  };
  return { io, stdin, out: () => stdout, err: () => stderr };
}

describe("confirm", () => {
  it("asks on stderr, never on stdout, also when stdout is piped (--json | jq)", async () => {
    for (const stdoutIsTTY of [true, false]) {
      const t = terminal(stdoutIsTTY);
      const asked = confirm(t.io, "Re-queue 3 deliveries to my-app?", false);
      t.stdin.write("y\n");
      await expect(asked).resolves.toBeUndefined();
      expect(t.err()).toContain("Re-queue 3 deliveries to my-app? [y/N] ");
      expect(t.out()).toBe("");
    }
  });

  it("anything but yes cancels (exit 1); no terminal to ask on needs --yes (exit 2)", async () => {
    const t = terminal(true);
    const asked = confirm(t.io, "Remove my-app?", false);
    t.stdin.write("\n");
    await expect(asked).rejects.toMatchObject({ code: "cancelled", exitCode: 1 });
    const piped = { ...t.io, stderr: { write: () => true, isTTY: false } };
    await expect(confirm(piped, "Remove my-app?", false)).rejects.toMatchObject({
      code: "confirmation_required",
      exitCode: 2,
      message: "Remove my-app? Pass --yes to confirm.",
    });
    await expect(confirm(piped, "Remove my-app?", true)).resolves.toBeUndefined();
  });
});
