/** Names work wherever ids do: `tgt_…` ids are looked up directly, anything else by name. */
import type { Target } from "./api-types.ts";
import type { ApiClient } from "./client.ts";
import { CliError, EXIT } from "./errors.ts";

export async function resolveTarget(api: ApiClient, ref: string): Promise<Target> {
  if (/^tgt_[0-9a-z]+$/i.test(ref)) {
    try {
      return (await api.get<{ target: Target }>(`/api/targets/${encodeURIComponent(ref)}`)).target;
    } catch (err) {
      // A target may be named like an id; fall through to the names.
      if (!(err instanceof CliError) || err.exitCode !== EXIT.NOT_FOUND) throw err;
    }
  }
  const { targets } = await api.get<{ targets: Target[] }>("/api/targets");
  let found = targets.filter((t) => t.name === ref);
  if (found.length === 0) found = targets.filter((t) => t.name.toLowerCase() === ref.toLowerCase());
  const [only] = found;
  if (only && found.length === 1) return only;
  if (found.length > 1) {
    throw new CliError(
      `${found.length} targets are named "${ref}" (${found.map((t) => t.id).join(", ")}): use the id`,
      EXIT.USAGE,
      "ambiguous_target",
    );
  }
  const names = targets.map((t) => t.name);
  throw new CliError(
    `no target "${ref}"${names.length ? ` (targets: ${names.join(", ")})` : " (there are no targets yet: add one with `bw-relay targets add`)"}`,
    EXIT.NOT_FOUND,
    "target_not_found",
  );
}

/** The id for a `--target` filter; ids pass through without a lookup when they exist. */
export async function targetId(
  api: ApiClient,
  ref: string | undefined,
): Promise<string | undefined> {
  if (ref === undefined) return undefined;
  return (await resolveTarget(api, ref)).id;
}
