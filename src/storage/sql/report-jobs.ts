import type { NewReportJob, ReportJob, ReportRequest } from "../../reports/service/report-job.js";
import type { SqlClient } from "./sql-client.js";

/** Unfinished reports a user may have (SPEC 11; Xandr's limit too). */
export const MAX_PENDING_PER_USER = 5;
/** How long a report is kept after it was asked for. */
export const REPORT_KEEP_MS = 24 * 3_600_000;
/** A job running longer than this lost its runner (a process that died): it is run again. */
export const RUN_LEASE_MS = 5 * 60_000;

const SECONDS = (ms: number) => ms / 1000;

/**
 * The report queue, in the event store so that every API process sees every job and any of
 * them may run it (FOR UPDATE SKIP LOCKED: one runner per job). Every call is one statement.
 */
export class SqlReportJobs {
  constructor(private readonly sql: Pick<SqlClient, "query">) {}

  /** Queues a job; false when its user already has MAX_PENDING_PER_USER unfinished ones. */
  async create(job: NewReportJob): Promise<boolean> {
    // A slot another request takes at the same moment makes ours a no-op: try the next one.
    for (let attempt = 0; attempt < MAX_PENDING_PER_USER; attempt++) {
      const rows = await this.sql.query(
        `INSERT INTO report_jobs (id, member_id, user_id, slot, report_type, request, json_request,
           header_info, created_on, status)
         SELECT $1, $2, $3, s, $4, $5::jsonb, $6, $7, to_timestamp($8), 'pending'
           FROM generate_series(1, ${MAX_PENDING_PER_USER}) AS s
          WHERE s NOT IN (SELECT slot FROM report_jobs
                           WHERE user_id = $3 AND status IN ('pending', 'running'))
          ORDER BY s LIMIT 1
         ON CONFLICT (user_id, slot) WHERE status IN ('pending', 'running') DO NOTHING
         RETURNING slot`,
        [
          job.id,
          job.member_id,
          job.user_id,
          job.request.report_type,
          JSON.stringify(job.request),
          job.json_request,
          job.header_info,
          SECONDS(job.created_on),
        ],
      );
      if (rows.length > 0) return true;
      const [{ unfinished } = { unfinished: 0 }] = await this.sql.query<{ unfinished: number }>(
        `SELECT count(*)::int AS unfinished FROM report_jobs
          WHERE user_id = $1 AND status IN ('pending', 'running')`,
        [job.user_id],
      );
      if (unfinished >= MAX_PENDING_PER_USER) return false;
    }
    return false;
  }

  /** A job as its owner polls it (without its result), while it is kept. */
  async get(id: string, now: number): Promise<ReportJob | null> {
    const [row] = await this.sql.query<JobRow>(
      `SELECT ${JOB_COLUMNS} FROM report_jobs WHERE id = $1 AND created_on > to_timestamp($2)`,
      [id, SECONDS(now - REPORT_KEEP_MS)],
    );
    return row ? jobFromRow(row) : null;
  }

  /** A ready job's file. */
  async result(id: string): Promise<string | null> {
    const [row] = await this.sql.query<{ result: string | null }>(
      "SELECT result FROM report_jobs WHERE id = $1 AND status = 'ready'",
      [id],
    );
    return row?.result ?? null;
  }

  /**
   * Takes the oldest pending job (or one whose runner stopped answering for RUN_LEASE_MS) for
   * this runner; null when there is none.
   */
  async claim(now: number): Promise<(ReportJob & { attempts: number }) | null> {
    const [row] = await this.sql.query<JobRow & { attempts: number }>(
      `UPDATE report_jobs SET status = 'running', attempts = attempts + 1,
              started_at = to_timestamp($1)
        WHERE id = (
          SELECT id FROM report_jobs
           WHERE (status = 'pending' OR (status = 'running' AND started_at < to_timestamp($2)))
             AND created_on > to_timestamp($3)
           ORDER BY created_on LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING ${JOB_COLUMNS}, attempts`,
      [SECONDS(now), SECONDS(now - RUN_LEASE_MS), SECONDS(now - REPORT_KEEP_MS)],
    );
    return row ? { ...jobFromRow(row), attempts: row.attempts } : null;
  }

  async finish(id: string, now: number, rowCount: number, result: string): Promise<void> {
    await this.sql.query(
      `UPDATE report_jobs SET status = 'ready', finished_at = to_timestamp($2), row_count = $3,
              result = $4
        WHERE id = $1 AND status = 'running'`,
      [id, SECONDS(now), rowCount, result],
    );
  }

  async fail(id: string, now: number, error: string): Promise<void> {
    await this.sql.query(
      `UPDATE report_jobs SET status = 'error', finished_at = to_timestamp($2), error = $3
        WHERE id = $1 AND status IN ('pending', 'running')`,
      [id, SECONDS(now), error],
    );
  }

  async release(id: string): Promise<void> {
    await this.sql.query(
      "UPDATE report_jobs SET status = 'pending' WHERE id = $1 AND status = 'running'",
      [id],
    );
  }

  /** Deletes the reports asked for more than REPORT_KEEP_MS ago; how many. */
  async expire(now: number): Promise<number> {
    const rows = await this.sql.query(
      "DELETE FROM report_jobs WHERE created_on <= to_timestamp($1) RETURNING 1",
      [SECONDS(now - REPORT_KEEP_MS)],
    );
    return rows.length;
  }
}

interface JobRow {
  id: string;
  member_id: number;
  user_id: number;
  request: ReportRequest | string;
  json_request: string;
  header_info: string;
  created_on: number;
  status: ReportJob["status"];
  row_count: number | null;
  error: string | null;
  finished_at: number | null;
}

const JOB_COLUMNS = `id, member_id, user_id, request, json_request, header_info,
  (extract(epoch FROM created_on) * 1000)::float8 AS created_on, status, row_count, error,
  (extract(epoch FROM finished_at) * 1000)::float8 AS finished_at`;

function jobFromRow(row: JobRow): ReportJob {
  return {
    id: row.id,
    member_id: row.member_id,
    user_id: row.user_id,
    request: typeof row.request === "string" ? JSON.parse(row.request) : row.request,
    json_request: row.json_request,
    header_info: row.header_info,
    created_on: Number(row.created_on),
    status: row.status,
    row_count: row.row_count,
    error: row.error,
    finished_at: row.finished_at === null ? null : Number(row.finished_at),
  };
}
