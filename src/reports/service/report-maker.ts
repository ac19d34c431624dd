import type { ReportJobStore, ReportSource } from "../../storage/ports.js";
import {
  type NamedIds,
  namedIds,
  type ObjectNames,
  reportFile,
  reportQuery,
} from "./report-build.js";
import type { ReportJob } from "./report-job.js";

/** The objects' names for a report's ids (read by the runner, from the objects). */
export type NameReader = (ids: NamedIds) => Promise<ObjectNames>;

/** A report made and kept until stored, or why it was not made (the user's to act on). */
export type Made = { rowCount: number } | { refused: string };

/**
 * Where a report is made: its rows read, their names asked for, its file built and stored. The
 * rows and the file stay where it is made: in Node a thread of its own (src/node/report-thread.ts)
 * with its own connection to the store, so that neither the reading nor the building of the
 * largest report (seconds, and hundreds of megabytes of rows) touches the edge's event loop.
 */
export interface ReportMaker {
  /** Makes the job's report and keeps its file for store(). */
  make(job: ReportJob, maxRows: number, names: NameReader): Promise<Made>;
  /** Stores the file made last as the job's result (ready, finished at `now`). */
  store(jobId: string, now: number): Promise<void>;
  /** Ends the work in progress at once: what it was doing rejects with ReportStopped. */
  abort(): void;
  /** Ends it for good (the process stops). */
  close(): Promise<void>;
}

/** The work was ended by abort(): the runner stopped, or the report ran past its time. */
export class ReportStopped extends Error {
  constructor() {
    super("the report was stopped");
  }
}

/** A job's report: its rows (at most `maxRows`), their names, its file. */
export async function makeReport(
  job: ReportJob,
  maxRows: number,
  source: ReportSource,
  names: NameReader,
): Promise<{ rowCount: number; file: string } | { refused: string }> {
  const query = reportQuery(job.request, maxRows + 1);
  const rows = await source.rows(query);
  if (rows.length > maxRows)
    return {
      refused: `the report has more than ${maxRows} rows: narrow its dates, filters or columns`,
    };
  return reportFile(job.request, query, rows, await names(namedIds(rows)));
}

/**
 * Reports made in this thread, for the embedded store (PGlite runs in this process: its reads
 * take the edge's CPU wherever the report is built). abort() cannot end work in progress here.
 */
export class ReportsInProcess implements ReportMaker {
  private made: { rowCount: number; file: string } | null = null;

  constructor(
    private readonly source: ReportSource,
    private readonly jobs: ReportJobStore,
  ) {}

  async make(job: ReportJob, maxRows: number, names: NameReader): Promise<Made> {
    this.made = null;
    const made = await makeReport(job, maxRows, this.source, names);
    if ("refused" in made) return made;
    this.made = made;
    return { rowCount: made.rowCount };
  }

  async store(jobId: string, now: number): Promise<void> {
    const made = this.made;
    this.made = null;
    if (!made) throw new Error("no report was made");
    await this.jobs.finish(jobId, now, made.rowCount, made.file);
  }

  abort(): void {
    this.made = null;
  }

  async close(): Promise<void> {
    this.abort();
  }
}
