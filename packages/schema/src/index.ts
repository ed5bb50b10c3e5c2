export const KNOWN_EVENT_TYPES = ["message-received"] as const;
