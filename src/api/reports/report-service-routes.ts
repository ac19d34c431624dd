import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { formatTimestamp } from "../../conversions/timestamps.js";
import { randomHex } from "../../random-hex.js";
import type { ReportJob, ReportRequest } from "../../reports/service/report-job.js";
import { REPORT_TYPES, type ReportType, reportMeta } from "../../reports/service/report-types.js";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { ApiError, notFound, syntaxError } from "../api-error.js";
import { documentedRoute } from "../documented-route.js";
import { API_VERSION, respond } from "../envelope.js";
import { namedAdvertiser } from "../objects/advertiser-routes.js";
import { jsonBody } from "../objects/write-body.js";
import { actingMember, boundAdvertiser, isAdmin } from "../tenancy.js";
import { checkReportRequest } from "./report-request.js";

const REPORT_ID = /^[0-9a-f]{32}$/;
/** Seconds a client over its pending reports is asked to wait. */
const PENDING_RETRY_S = 10;

const ReportBody = z.object({
  report: z
    .object({
      report_type: z.enum(Object.keys(REPORT_TYPES) as [string, ...string[]]),
      columns: z.array(z.string()),
      filters: z.array(z.record(z.string(), z.unknown())).optional(),
      orders: z
        .array(z.object({ order_by: z.string(), direction: z.enum(["ASC", "DESC"]).optional() }))
        .optional(),
      report_interval: z.string().optional(),
      start_date: z.string().optional(),
      end_date: z.string().optional(),
      timezone: z.string().optional(),
      format: z.enum(["csv", "excel"]).optional(),
      escape_fields: z.boolean().optional(),
    })
    .loose(),
});

const dbg = (warnings: string[] = []) => ({
  output_term: "report",
  version: API_VERSION,
  warnings,
});

/**
 * Xandr's Report Service (SPEC 11): `POST /report` queues a job, `GET /report?id=` polls it
 * (with the data inline unless `without_data`), `GET /report-download?id=` is the file, and
 * `GET /report?meta=<type>` lists a type's columns. Jobs run off the request path
 * (src/reports/service/report-runner.ts).
 */
export function mountReportServiceRoutes(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  const reports = deps.reports;
  documentedRoute(
    api,
    createRoute({
      method: "post",
      path: "/report",
      tags: ["report"],
      request: {
        query: z.object({
          advertiser_id: z.string().optional(),
          advertiser_code: z.string().optional(),
          member_id: z.string().optional(),
        }),
        body: { content: { "application/json": { schema: ReportBody } } },
      },
      responses: { 200: { description: "The report's id, to poll with GET /report?id=" } },
    }),
    async (c) => {
      const body = await jsonBody(c.req);
      const now = deps.clock();
      const { request, type, warnings } = checkReportRequest(body, now, (t) =>
        t.source === "conversions" ? reports.retention.logDays : reports.retention.statsDays,
      );
      const member = await actingMember(c, deps);
      const pixelIds = await reportScope(c, deps, member, type, request.filters);
      const user = c.var.user;
      const id = randomHex(16);
      const created = formatTimestamp(now);
      const queued = await reports.jobs.create({
        id,
        member_id: member ?? 0,
        user_id: user.id,
        request: { ...request, pixel_ids: pixelIds },
        json_request: JSON.stringify({ report: (body as { report: unknown }).report }),
        header_info: headerInfo(type, request, created, `${user.username} (${user.id})`),
        created_on: now,
      });
      if (!queued)
        throw new ApiError(
          "RATE_EXCEEDED",
          "You have 5 reports pending: wait for one to finish (GET /report?id=)",
          undefined,
          PENDING_RETRY_S,
        );
      reports.queued();
      return respond(c, { status: "OK", report_id: id, dbg_info: dbg(warnings) });
    },
  );

  documentedRoute(
    api,
    createRoute({
      method: "get",
      path: "/report",
      tags: ["report"],
      request: {
        query: z.object({
          id: z.string().optional().openapi({ description: "A report id from POST /report" }),
          meta: z.string().optional().openapi({ description: "A report type: its columns" }),
          without_data: z.string().optional(),
        }),
      },
      responses: { 200: { description: "The report's status (and data), or a type's meta" } },
    }),
    async (c) => {
      const meta = c.req.query("meta");
      if (meta !== undefined) return answerMeta(c, meta);
      const job = await ownJob(c, deps);
      const withData = c.req.query("without_data") === undefined && job.status === "ready";
      const data = withData ? await reports.jobs.result(job.id) : null;
      const execution_status = job.status === "running" ? "pending" : job.status;
      return respond(c, {
        status: "OK",
        execution_status,
        report: {
          name: null,
          created_on: formatTimestamp(job.created_on),
          cache_hit: false,
          fact_cache_hit: false,
          json_request: job.json_request,
          header_info: job.header_info,
          row_count: job.row_count === null ? null : String(job.row_count),
          report_size: data === null ? null : String(Buffer.byteLength(data)),
          url: `report-download?id=${job.id}`,
          // numberly's client reads the status off the report object.
          execution_status,
          ...(job.error ? { error: job.error } : {}),
          ...(data !== null ? { data } : {}),
        },
        dbg_info: dbg(),
      });
    },
  );

  documentedRoute(
    api,
    createRoute({
      method: "get",
      path: "/report-download",
      tags: ["report"],
      request: { query: z.object({ id: z.string() }) },
      responses: { 200: { description: "The report file (CSV, or tab-separated for excel)" } },
    }),
    async (c) => {
      const job = await ownJob(c, deps);
      if (job.status === "error")
        throw syntaxError("id", `the report ended in error: ${job.error ?? "no reason given"}`);
      const file = job.status === "ready" ? await reports.jobs.result(job.id) : null;
      if (file === null)
        throw syntaxError("id", "the report is not ready yet: poll GET /report?id= first");
      const excel = job.request.format === "excel";
      return c.body(file, 200, {
        "Content-Type": excel
          ? "text/tab-separated-values; charset=utf-8"
          : "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${job.request.report_type}-${job.id}.${excel ? "xls" : "csv"}"`,
      });
    },
  );
}

function answerMeta(c: Context<ApiEnv>, name: string): Response {
  if (name === "")
    return respond(c, {
      status: "OK",
      meta: Object.values(REPORT_TYPES).map(reportMeta),
      dbg_info: dbg(),
    });
  const type = Object.hasOwn(REPORT_TYPES, name)
    ? REPORT_TYPES[name as keyof typeof REPORT_TYPES]
    : undefined;
  if (!type) throw syntaxError("meta", `must be one of ${Object.keys(REPORT_TYPES).join(", ")}`);
  return respond(c, { status: "OK", meta: reportMeta(type), dbg_info: dbg() });
}

/** The job `?id=` names, if the caller may see it: another member's answers NOTFOUND. */
async function ownJob(c: Context<ApiEnv>, deps: ApiDeps): Promise<ReportJob> {
  const id = c.req.query("id") ?? "";
  if (!REPORT_ID.test(id)) throw syntaxError("id", "must be a report id from POST /report");
  const job = await deps.reports.jobs.get(id, deps.clock());
  const user = c.var.user;
  // An advertiser user sees the reports it asked for; a member's users, the member's.
  const mine =
    job !== null &&
    (isAdmin(user) ||
      (job.member_id === user.member_id &&
        (boundAdvertiser(user) === null || job.user_id === user.id)));
  if (!job || !mine) throw notFound(`report ${id}`);
  return job;
}

/**
 * The pixels a report reads: the member's (an advertiser user's advertiser's), narrowed to the
 * advertiser the query names (which an advertiser-scope report must, unless the user is bound to
 * one), and to the advertiser_id and pixel_id filters.
 */
async function reportScope(
  c: Context<ApiEnv>,
  deps: ApiDeps,
  member: number | null,
  type: ReportType,
  filters: ReportRequest["filters"],
): Promise<number[]> {
  let pixels = await deps.stores.pixels.all({ member });
  const bound = boundAdvertiser(c.var.user);
  if (bound !== null) pixels = pixels.filter((p) => p.advertiser_id === bound);
  const named = c.req.query("advertiser_id") || c.req.query("advertiser_code");
  if (named) {
    const advertiser = await namedAdvertiser(c, deps, member, {
      id: "advertiser_id",
      code: "advertiser_code",
    });
    if (bound !== null && advertiser.id !== bound) throw notFound("advertiser");
    pixels = pixels.filter((p) => p.advertiser_id === advertiser.id);
  } else if (type.scope === "advertiser" && bound === null && filters.advertiser_id?.length !== 1)
    throw syntaxError(
      "advertiser_id",
      `${type.name} is an advertiser's report: POST /report?advertiser_id=<id>`,
    );
  const advertisers = filters.advertiser_id;
  if (advertisers) pixels = pixels.filter((p) => advertisers.includes(p.advertiser_id));
  const pixelFilter = filters.pixel_id;
  if (pixelFilter) pixels = pixels.filter((p) => pixelFilter.includes(p.id));
  return pixels.map((p) => p.id).sort((a, b) => a - b);
}

/** Xandr's `header_info`: the report's title lines, CSV, CRLF. */
function headerInfo(
  type: ReportType,
  request: Omit<ReportRequest, "pixel_ids">,
  runAt: string,
  user: string,
): string {
  return [
    `Report type:,${type.name}`,
    ",",
    `Run at:,${runAt}`,
    `Start date:,${request.start_date}`,
    `End date:,${request.end_date}`,
    `Timezone:,${request.timezone}`,
    `User:,${user.replaceAll(",", " ")}`,
    "",
  ].join("\r\n");
}
