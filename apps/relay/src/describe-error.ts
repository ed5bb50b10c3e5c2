/**
 * One line about a thrown value, for logs and attempt records: never a stack, never more than
 * `max` characters (messages from fetch and the runtime can be long). Whoever logs it still
 * decides whether a message may hold request data; these only shape the text.
 */
export function describeError(err: unknown, max = 200): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : "unknown error";
  return text.slice(0, max);
}

/** The message alone, for records whose own wording says what kind of error it was. */
export function errorMessage(err: unknown, max = 200): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, max);
}
