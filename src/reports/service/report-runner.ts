import { LogOnceASecond } from "../../log-once-a-second.js";
import type { Logger, ReportJobStore } from "../../storage/ports.js";
import type { NamedIds, ObjectNames } from "./report-build.js";
import type { ReportFormat, ReportJob } from "./report-job.js";
import { type ReportMaker, ReportStopped } from "./report-maker.js";

export interface ReportRunnerDeps {
  jobs: ReportJobStore;
  /** The objects' names, only among the member's objects (0: an admin's report, any member). */
  names(memberId: number, ids: NamedIds): Promise<ObjectNames>;
  /** Where reports are made, one for each loop (Node: a thread of its own). */
  maker(): ReportMaker;
  clock: () => number;
  log: Logger;
  /** Rows a report may have; more ends it in `error` (Xandr: 100,000 for excel). */
  maxRows: Readonly<Record<ReportFormat, number>>;
  /**
   * A run longer than this ends in error. Shorter than the store's lease, so that no other
   * runner takes a job this one still runs (Xandr ends a report at 15 minutes).
   */
  runLimitMs: number;
  /** How often an idle runner looks for jobs another process queued. */
  pollMs: number;
}

/**
 * Runs a job at most this often: once, and once more if its process stopped or died while it
 * ran. A job that stops its process every time is not run for ever, each time in full.
 */
export const MAX_ATTEMPTS = 2;
const EXPIRE_EVERY_MS = 10 * 60_000;

/** One job being run: how to end it early, and why it was. */
interface Run {
  end(why: "stopped" | "late"): void;
}

/**
 * Runs queued reports off the request path (SPEC 11): `concurrency` loops per process, each
 * claiming the oldest job nobody runs and making it with a maker of its own. Jobs live in
 * the store, so any API process may run any job, and one whose process died is run again by
 * another after its lease; one whose process stops is given back at once.
 */
export class ReportRunner {
  private stopped = false;
  private readonly loops: Promise<void>[] = [];
  private readonly makers: ReportMaker[] = [];
  private readonly runs = new Set<Run>();
  private readonly sleepers = new Set<() => void>();
  private nextExpiry = 0;
  private readonly notices: LogOnceASecond;

  constructor(private readonly deps: ReportRunnerDeps) {
    this.notices = new LogOnceASecond(deps.log, 60_000);
  }

  start(concurrency: number): void {
    for (let i = 0; i < concurrency; i++) {
      const maker = this.deps.maker();
      this.makers.push(maker);
      this.loops.push(this.loop(maker));
    }
  }

  /** A job was just queued here: run it now rather than at the next poll. */
  wake(): void {
    for (const wake of [...this.sleepers]) wake();
  }

  /** Ends the reports running (given back to the queue) and the loops, without waiting. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    for (const run of this.runs) run.end("stopped");
    await Promise.all(this.loops);
    await Promise.all(this.makers.map((maker) => maker.close()));
    this.notices.flush();
  }

  /** Runs one job if there is one; whether there was. */
  private async runOnce(maker: ReportMaker): Promise<boolean> {
    const now = this.deps.clock();
    if (now >= this.nextExpiry) {
      this.nextExpiry = now + EXPIRE_EVERY_MS;
      await this.deps.jobs.expire(now);
    }
    const job = await this.deps.jobs.claim(now);
    if (!job) return false;
    if (job.attempts > MAX_ATTEMPTS) {
      await this.deps.jobs.fail(
        job.id,
        this.deps.clock(),
        `the report was interrupted ${MAX_ATTEMPTS} times (its server stopped while it ran): ask for it again`,
      );
      return true;
    }
    await this.run(job, maker);
    return true;
  }

  private async loop(maker: ReportMaker): Promise<void> {
    while (!this.stopped) {
      let ran = false;
      try {
        ran = await this.runOnce(maker);
      } catch (error) {
        this.notices.note({
          level: "warn",
          msg: "report runner: the store is unavailable",
          error: String((error as Error).message ?? error),
        });
      }
      if (!ran && !this.stopped) await this.idle();
    }
  }

  /** Waits for the next poll, or for wake(). */
  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.deps.pollMs);
      this.sleepers.add(done);
    });
  }

  /**
   * Runs a claimed job to its end: ready, error, or given back when the runner stops. A stop or
   * the time limit ends it at once (the maker's thread is ended), whatever it was waiting for.
   */
  private async run(job: ReportJob, maker: ReportMaker): Promise<void> {
    let ended: "stopped" | "late" | null = null;
    let endNow: (error: Error) => void = () => {};
    const endedEarly = new Promise<never>((_, reject) => {
      endNow = reject;
    });
    const run: Run = {
      end: (why) => {
        ended ??= why;
        maker.abort();
        endNow(new ReportStopped());
      },
    };
    const timer = setTimeout(() => run.end("late"), this.deps.runLimitMs);
    this.runs.add(run);
    if (this.stopped) run.end("stopped");
    const work = this.work(job, maker);
    // Ended early, the work's own ending is of no interest.
    work.catch(() => {});
    try {
      const refused = await Promise.race([work, endedEarly]);
      if (refused !== null) await this.deps.jobs.fail(job.id, this.deps.clock(), refused);
    } catch (error) {
      await this.failed(job, ended, error);
    } finally {
      clearTimeout(timer);
      this.runs.delete(run);
    }
  }

  /** Makes and stores the report: null once it is ready, or why it was refused. */
  private async work(job: ReportJob, maker: ReportMaker): Promise<string | null> {
    const maxRows = this.deps.maxRows[job.request.format];
    const made = await maker.make(job, maxRows, (ids) => this.deps.names(job.member_id, ids));
    if ("refused" in made) return made.refused;
    await maker.store(job.id, this.deps.clock());
    return null;
  }

  private async failed(
    job: ReportJob,
    ended: "stopped" | "late" | null,
    error: unknown,
  ): Promise<void> {
    const now = this.deps.clock();
    if (ended === "stopped") {
      // Run again by the next runner, the attempt counted.
      await this.deps.jobs.release(job.id);
      this.deps.log({
        level: "info",
        msg: "report given back: the runner stopped",
        report_id: job.id,
      });
      return;
    }
    if (ended === "late") {
      await this.deps.jobs.fail(
        job.id,
        now,
        `the report ran for more than ${this.deps.runLimitMs / 1000} s: narrow its dates, filters or columns`,
      );
      return;
    }
    this.deps.log({
      level: "warn",
      msg: "report failed",
      report_id: job.id,
      error: String((error as Error).message ?? error),
    });
    await this.deps.jobs.fail(job.id, now, "the report could not be run");
  }
}
