/** The statuses the API speaks of; the relay's storage uses the same words. */

export type EventStatus = "quarantined" | "stored" | "pending" | "delivered" | "failed" | "dead";
export type DeliveryStatus = "pending" | "delivered" | "failed" | "dead";
export type TargetState = "active" | "paused" | "circuit_open" | "disabled";

export const EVENT_STATUSES: readonly EventStatus[] = [
  "quarantined",
  "stored",
  "pending",
  "delivered",
  "failed",
  "dead",
];
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  "pending",
  "delivered",
  "failed",
  "dead",
];
export const TARGET_STATES: readonly TargetState[] = [
  "active",
  "paused",
  "circuit_open",
  "disabled",
];
