import type { Config } from "../config.js";
import { FileSpool } from "../spool/file-spool.js";
import type { Spool } from "../spool/spool.js";
import { LockHeld } from "../spool/spool-lock.js";
import { UnavailableSpool } from "../spool/unavailable-spool.js";
import type { Logger } from "../storage/ports.js";

/**
 * The process's spool file (SPOOL_PATH). When it cannot be opened (a read-only disk, a folder
 * that cannot be made), the process starts without one: the edge answers, what Redis or the
 * store do not take is logged and counted as not recorded, and `/readyz` names the spool. A
 * spool held by another live process still stops the start (LockHeld): two processes on one
 * file would replay and drop each other's records.
 */
export async function openSpool(config: Config, log: Logger): Promise<Spool> {
  try {
    return await FileSpool.open({ path: config.spoolPath, maxBytes: config.spoolMaxBytes, log });
  } catch (error) {
    if (error instanceof LockHeld) throw error;
    log({
      level: "error",
      msg: "spool unavailable: what Redis or the store do not take is not kept (SPOOL_PATH cannot be written)",
      error: String(error),
    });
    return new UnavailableSpool();
  }
}
