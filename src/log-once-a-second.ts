import type { Logger } from "./storage/ports.js";

/**
 * Log lines that repeat during an outage, one per message per interval at most: what came in
 * between is summed into the next line (`fires`, `touches`, … and `times`), which a timer
 * writes even when nothing else comes (SPEC 13: repeated failures are logged once per
 * interval with a count).
 */
export class LogOnceASecond {
  private readonly pending = new Map<string, { entry: Record<string, unknown>; times: number }>();
  private readonly lastAt = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 1000,
  ) {}

  /** Notes one occurrence of `entry.msg`; numeric fields add up until the line is written. */
  note(entry: Record<string, unknown> & { msg: string }): void {
    const held = this.pending.get(entry.msg);
    if (held) {
      for (const [name, value] of Object.entries(entry))
        if (typeof value === "number") held.entry[name] = Number(held.entry[name] ?? 0) + value;
        else held.entry[name] = value;
      held.times++;
    } else this.pending.set(entry.msg, { entry: { ...entry }, times: 1 });
    const wait = (this.lastAt.get(entry.msg) ?? 0) + this.intervalMs - Date.now();
    if (wait <= 0) this.write(entry.msg);
    else {
      // Not holding the process open (a CLI, a test) for a line that can wait.
      this.timer ??= setTimeout(() => this.flush(), wait);
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  /** Writes every held line now (at shutdown, or when the interval is over). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const msg of [...this.pending.keys()]) this.write(msg);
  }

  private write(msg: string): void {
    const held = this.pending.get(msg);
    if (!held) return;
    this.pending.delete(msg);
    this.lastAt.set(msg, Date.now());
    this.log({ ...held.entry, times: held.times });
  }
}
