import type { Refusal, RetiredSecret, TargetRecord } from "./model.ts";
import { signingRetired } from "./model.ts";

/** How long a rotated-out secret keeps signing, so receivers can roll over without a gap. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

/**
 * Each rotated-out secret adds a signature to every delivery, so their number is bounded;
 * a further rotation is refused rather than cutting one of them short.
 */
export const MAX_RETIRED_SECRETS = 10;

/**
 * A record as an earlier version may have stored it: one previous secret in
 * `previousSecret`/`previousSecretExpiresAt` instead of the `previousSecrets` list.
 */
export type StoredTargetRecord = Omit<TargetRecord, "previousSecrets"> & {
  previousSecrets?: RetiredSecret[];
  previousSecret?: string | null;
  previousSecretExpiresAt?: number | null;
};

/** The current shape of a stored record; the old one is read as a list of one. */
export function upgradeRecord(stored: StoredTargetRecord): TargetRecord {
  const { previousSecret, previousSecretExpiresAt, previousSecrets, ...rest } = stored;
  if (previousSecrets) return { ...rest, previousSecrets };
  const legacy =
    previousSecret && typeof previousSecretExpiresAt === "number"
      ? [{ secret: previousSecret, expiresAt: previousSecretExpiresAt }]
      : [];
  return { ...rest, previousSecrets: legacy };
}

/**
 * The record after rotating to `secret` at `now`: the current secret joins the ones still
 * signing, each keeping its own expiry; the expired ones are dropped.
 */
export function rotated(
  record: TargetRecord,
  secret: string,
  now: number,
): { record: TargetRecord; expiresAt: number } | Refusal {
  const signing = signingRetired(record, now);
  if (signing.length >= MAX_RETIRED_SECRETS) {
    const next = new Date(Math.min(...signing.map((s) => s.expiresAt))).toISOString();
    return {
      refused: {
        status: 409,
        code: "too_many_secrets",
        message:
          `This target already has ${signing.length} rotated-out secrets still signing, the ` +
          `most it keeps; the first of them stops at ${next}. Rotate after that, or set a new ` +
          "secret with PATCH {secret}, which ends every overlap at once.",
      },
    };
  }
  const expiresAt = now + ROTATION_OVERLAP_MS;
  return {
    expiresAt,
    record: {
      ...record,
      secret,
      previousSecrets: [{ secret: record.secret, expiresAt }, ...signing],
      updatedAt: new Date(now).toISOString(),
    },
  };
}

/** When the next rotated-out secret of any target stops signing, or null if none will. */
export function nextExpiry(records: TargetRecord[], now: number): number | null {
  const pending = records.flatMap((r) => signingRetired(r, now).map((s) => s.expiresAt));
  return pending.length === 0 ? null : Math.min(...pending);
}
