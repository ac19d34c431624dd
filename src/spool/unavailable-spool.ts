import type { Spool } from "./spool.js";

/**
 * The spool of a process whose spool file could not be opened (a read-only disk, a folder it
 * cannot create): the edge still answers, and what Redis or the store do not take is refused
 * here, so that it is counted and logged as not recorded; `/readyz` says the spool is
 * unavailable.
 */
export class UnavailableSpool implements Spool {
  readonly size = 0;
  readonly bytes = 0;
  readonly full = false;
  readonly health = "unavailable" as const;

  add(): boolean {
    return false;
  }

  peek(): undefined {
    return undefined;
  }

  remove(): void {}

  async flushed(): Promise<void> {}

  async close(): Promise<void> {}
}
