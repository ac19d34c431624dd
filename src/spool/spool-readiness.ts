import type { Spool } from "./spool.js";

/**
 * The spool's check in `/readyz`: "ok", or which way it fails, in words of its own: /readyz is
 * public, so never an error's text or a path (the log has those).
 */
export function spoolReadiness(spool: Spool | null): string {
  if (!spool) return "ok";
  if (spool.health === "unavailable")
    return "unavailable: it could not be opened, so what Redis or the store do not take is lost";
  if (spool.health === "failing")
    return "failing: its disk refuses writes, so what waits is kept in memory only";
  if (spool.full) return `full (${spool.bytes} bytes): new fires are not kept`;
  return "ok";
}
