import type { Logger } from "./storage/ports.js";

/**
 * Work the edge does after answering. Tracked so that a shutdown, the end of a Worker request
 * or a test can wait for every accepted fire to be written instead of dropping it.
 */
export class BackgroundTasks {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly log: Logger) {}

  track(work: Promise<unknown>): void {
    const task = work.catch((error) => {
      this.log({ level: "error", msg: "background write failed", error: String(error) });
    });
    this.pending.add(task);
    task.finally(() => this.pending.delete(task));
  }

  /** Resolves once every task tracked so far, and any they started, has settled. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
