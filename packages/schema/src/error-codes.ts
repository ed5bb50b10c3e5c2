/**
 * Bandwidth messaging error codes (`message-failed.errorCode`), from Bandwidth's published
 * list (dev.bandwidth.com/docs/messaging/errors, Nov 2023) plus historical codes. The first
 * digit is 4 (client: a retry gives the same result), 5 (service: a retry may succeed) or 9
 * (ambiguous). Only `errorCode` should drive logic; `description` is free text.
 */

/**
 * The class of a code: who detected the problem (Bandwidth or the carrier) and whether it is
 * the sender's (client, 4xxx) or a service failure (5xxx); 9xxx is ambiguous.
 */
export type ErrorCategory =
  | "bandwidth-client"
  | "carrier-client"
  | "bandwidth-service"
  | "carrier-service"
  | "ambiguous"
  | "unknown";

/** One entry of Bandwidth's error-code table. */
export interface ErrorCodeInfo {
  code: number;
  /** Bandwidth's name for the code, e.g. `rejected-forbidden-country`. */
  name: string;
  category: ErrorCategory;
  /** Whether Bandwidth bills the failed message. */
  billable: boolean;
  /** Set on codes only older revisions of the list carry. */
  historical?: true;
}

const TABLE: [ErrorCategory, boolean, string][] = [
  [
    "bandwidth-client",
    false,
    `4001 service-not-allowed|4301 malformed-invalid-encoding|4302 malformed-invalid-from-number|4303 malformed-invalid-to-number|4350 malformed-for-destination|4360 message-not-sent-expiration-date-passed|4401 rejected-routing-error|4403 rejected-forbidden-from-number|4404 rejected-forbidden-to-number|4405 rejected-unallocated-from-number|4406 rejected-unallocated-to-number|4407 rejected-account-not-defined-from-number|4408 rejected-account-not-defined-to-number|4409 rejected-invalid-from-profile|4410 media-unavailable|4411 rejected-message-size-limit-exceeded|4412 media-content-invalid|4420 rejected-carrier-does-not-exist|4421 rejected-forbidden-no-destination|4431 rejected-forbidden-shortcode|4432 rejected-forbidden-country|4433 rejected-forbidden-tollfree|4434 rejected-forbidden-tollfree-for-recipient|4435 forbidden-too-many-recipients|4451 rejected-wrong-user-id|4452 rejected-wrong-application-id|4481 rejected-from-number-in-blacklist|4482 rejected-to-number-in-blacklist|4492 reject-emergency|4493 rejected-unauthorized`,
  ],
  ["bandwidth-client", true, "4470 rejected-spam-detected"],
  [
    "carrier-client",
    true,
    `4700 invalid-service-type|4701 destination-service-unavailable|4702 destination-subscriber-unavailable|4711 rejected-message-size-limit-exceeded|4712 media-content-invalid|4720 invalid-destination-address|4721 destination-tn-deactivated|4730 no-route-to-destination-carrier|4740 invalid-source-address-address|4750 destination-rejected-message|4751 destination-rejected-message-size-invalid|4752 destination-rejected-malformed|4753 destination-rejected-handset|4770 destination-spam-detected|4771 rejected-shortened-url|4772 rejected-tn-blocked|4773 inactive-campaign|4774 provisioning-issue|4775 destination-rejected-due-to-user-opt-out|4780 volume-violation-tmo|4781 volume-violation-att|4785 volumetric-violation|4790 destination-rejected-sc-not-allowed|4791 destination-rejected-campaign-not-allowed|4792 destination-rejected-sc-not-provisioned|4793 destination-rejected-sc-expired|4795 tfn-not-verified`,
  ],
  [
    "bandwidth-service",
    false,
    `5100 temporary-app-error|5101 temporary-app-shutdown|5106 impossible-to-route|5111 temporary-app-connection-closed|5201 temporary-rout-error-retries-exceeded|5211 temporary-app-error-app-busy|5220 temporary-store-error|5231 discarded-concatenation-timeout|5500 message-send-failed|5501 message-send-failed|5999 unknown-error`,
  ],
  [
    "carrier-service",
    true,
    `5600 destination-carrier-queue-full|5610 submit_sm-or-submit_multi-failed|5620 destination-app-error|5630 message-not-acknowledged|5650 destination-failed`,
  ],
  ["ambiguous", true, "9902 delivery-receipt-expired|9999 unknown-error"],
];

const HISTORICAL: [number, string, ErrorCategory][] = [
  [4121, "rejected-as-spam", "bandwidth-client"],
  [4320, "invalid-destination", "bandwidth-client"],
  [5112, "application-error", "bandwidth-service"],
  [5143, "application-error", "bandwidth-service"],
  [5144, "application-error", "bandwidth-service"],
  [5146, "application-error", "bandwidth-service"],
  [5503, "service-unavailable", "bandwidth-service"],
  [5611, "temporary-route-error-retries-exceeded", "carrier-service"],
];

function build(): Map<number, ErrorCodeInfo> {
  const map = new Map<number, ErrorCodeInfo>();
  for (const [category, billable, list] of TABLE) {
    for (const entry of list.split("|")) {
      const space = entry.indexOf(" ");
      const code = Number(entry.slice(0, space));
      map.set(code, { code, name: entry.slice(space + 1), category, billable });
    }
  }
  for (const [code, name, category] of HISTORICAL) {
    map.set(code, {
      code,
      name,
      category,
      billable: category.startsWith("carrier"),
      historical: true,
    });
  }
  return map;
}

/** Every published (and historical) messaging error code. */
export const MESSAGING_ERROR_CODES: ReadonlyMap<number, ErrorCodeInfo> = build();

/** What `describeErrorCode` knows about a code, from the table or from its digits. */
export interface ErrorCodeDescription {
  code: number;
  name: string;
  category: ErrorCategory;
  billable: boolean;
  /** Whether sending again may give a different result (5xxx service errors). */
  retryable: boolean;
  /** False when the code is not in the table and was classified by its digits. */
  known: boolean;
}

/**
 * Describes a code, falling back on its class for codes not in the table (the list grows):
 * 47xx carrier client, other 4xxx Bandwidth client, 56xx carrier service, other 5xxx Bandwidth
 * service, 9xxx ambiguous; anything else (MFA's 3-digit `995`, garbage) is "unknown".
 *
 * @example
 * describeErrorCode(4432).name; // "rejected-forbidden-country"
 * describeErrorCode("4799").category; // "carrier-client" (not in the table: by its digits)
 */
export function describeErrorCode(code: number | string): ErrorCodeDescription {
  // Only whole, non-negative numbers are codes: "", "0x1140" or -4432 are not 0, 4416, 4432.
  const n =
    typeof code === "number" ? code : /^\s*\d+\s*$/.test(String(code)) ? Number(code) : Number.NaN;
  const valid = Number.isInteger(n) && n >= 0;
  const entry = valid ? MESSAGING_ERROR_CODES.get(n) : undefined;
  if (entry) {
    return {
      code: n,
      name: entry.name,
      category: entry.category,
      billable: entry.billable,
      retryable: entry.category.endsWith("service"),
      known: true,
    };
  }
  const digits = valid ? String(n) : "";
  let category: ErrorCategory = "unknown";
  if (digits.length === 4 && digits[0] === "4")
    category = digits[1] === "7" ? "carrier-client" : "bandwidth-client";
  else if (digits.length === 4 && digits[0] === "5")
    category = digits[1] === "6" ? "carrier-service" : "bandwidth-service";
  else if (digits.length === 4 && digits[0] === "9") category = "ambiguous";
  return {
    code: Number.isInteger(n) ? n : Number.NaN,
    name: "unknown-error-code",
    category,
    billable: category.startsWith("carrier") || category === "ambiguous",
    retryable: category.endsWith("service"),
    known: false,
  };
}
