import { LogOnceASecond } from "../../log-once-a-second.js";
import type { Logger, ReportJobStore, ReportSource } from "../../storage/ports.js";
import { toDelimited } from "../csv.js";
import { type ObjectNames, reportQuery, reportRows } from "./report-build.js";
import type { ReportFormat, ReportJob } from "./report-job.js";

/** Ids whose objects' names a report shows, by kind. */
export interface NamedIds {
  pixels: number[];
  advertisers: number[];
  lineItems: number[];
  campaigns: number[];
}

export interface ReportRunnerDeps {
  jobs: ReportJobStore;
  source: ReportSource;
  /** The objects' names, only among the member's objects (0: an admin's report, any member). */
  names(memberId: number, ids: NamedIds): Promise<ObjectNames>;
  clock: () => number;
  log: Logger;
  /** Rows a report may have; more ends it in `error` (Xandr: 100,000 for excel). */
  maxRows: Readonly<Record<ReportFormat, number>>;
  /** How often an idle runner looks for jobs another process queued. */
  pollMs: number;
}

/** A job claimed again after its runner died this many times is given up. */
const MAX_ATTEMPTS = 3;
const EXPIRE_EVERY_MS = 10 * 60_000;

/**
 * Runs queued reports off the request path (SPEC 11): `concurrency` loops per process, each
 * claiming the oldest job nobody runs. Jobs live in the store, so any API process may run any
 * job, and one whose process died is run again by another after its lease.
 */
export class ReportRunner {
  private stopped = false;
  private readonly loops: Promise<void>[] = [];
  private readonly sleepers = new Set<() => void>();
  private nextExpiry = 0;
  private readonly notices: LogOnceASecond;

  constructor(private readonly deps: ReportRunnerDeps) {
    this.notices = new LogOnceASecond(deps.log, 60_000);
  }

  start(concurrency: number): void {
    for (let i = 0; i < concurrency; i++) this.loops.push(this.loop());
  }

  /** A job was just queued here: run it now rather than at the next poll. */
  wake(): void {
    for (const wake of [...this.sleepers]) wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await Promise.all(this.loops);
    this.notices.flush();
  }

  /** Runs one job if there is one; whether there was. */
  async runOnce(): Promise<boolean> {
    const now = this.deps.clock();
    if (now >= this.nextExpiry) {
      this.nextExpiry = now + EXPIRE_EVERY_MS;
      await this.deps.jobs.expire(now);
    }
    const job = await this.deps.jobs.claim(now);
    if (!job) return false;
    if (job.attempts > MAX_ATTEMPTS) {
      await this.deps.jobs.fail(job.id, this.deps.clock(), "the report could not be run");
      return true;
    }
    await this.run(job);
    return true;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let ran = false;
      try {
        ran = await this.runOnce();
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

  private async run(job: ReportJob): Promise<void> {
    const { request } = job;
    const maxRows = this.deps.maxRows[request.format];
    let rowCount: number;
    let file: string;
    try {
      const query = reportQuery(request, maxRows + 1);
      const rows = await this.deps.source.rows(query);
      if (rows.length > maxRows) {
        await this.deps.jobs.fail(
          job.id,
          this.deps.clock(),
          `the report has more than ${maxRows} rows: narrow its dates, filters or columns`,
        );
        return;
      }
      const names = await this.deps.names(job.member_id, namedIds(rows));
      const cells = reportRows(request, query, rows, names);
      rowCount = cells.length;
      file = toDelimited(request.columns, cells, {
        separator: request.format === "excel" ? "\t" : ",",
        quoteAll: request.escape_fields,
      });
    } catch (error) {
      this.deps.log({
        level: "warn",
        msg: "report failed",
        report_id: job.id,
        error: String((error as Error).message ?? error),
      });
      await this.deps.jobs.fail(job.id, this.deps.clock(), "the report could not be run");
      return;
    }
    await this.deps.jobs.finish(job.id, this.deps.clock(), rowCount, file);
  }
}

function namedIds(rows: ReadonlyArray<Record<string, unknown>>): NamedIds {
  const of = (column: string) => {
    const ids = new Set<number>();
    for (const row of rows) {
      const value = row[column];
      if (value !== null && value !== undefined) ids.add(Number(value));
    }
    return [...ids];
  };
  return {
    pixels: of("pixel_id"),
    advertisers: of("advertiser_id"),
    lineItems: of("line_item_id"),
    campaigns: of("campaign_id"),
  };
}
