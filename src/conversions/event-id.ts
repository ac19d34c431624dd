/**
 * A conversion's own id, shared by the browser fire and the server event that report it
 * (SPEC 12): up to 64 letters, digits or `.`, `_`, `:`, `-` (UUIDs, order numbers with a suffix).
 */
const EVENT_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export function isEventId(text: unknown): text is string {
  return typeof text === "string" && EVENT_ID.test(text);
}
