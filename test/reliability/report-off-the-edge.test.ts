import { join } from "node:path";
import type { Hono } from "hono";
import { beforeAll, describe, expect, it } from "vitest";
import { newFireId } from "../../src/conversions/fire-id.js";
import type { FireLogEntry } from "../../src/conversions/log-rows.js";
import { freePort } from "../../src/node/free-port.js";
import { SqlEventStore } from "../../src/storage/sql/event-store.js";
import { ApiClient } from "../helpers/api-client.js";
import {
  type ServerProcess,
  startServerProcess,
  until,
  useProcessScope,
} from "../helpers/server-process.js";
import { startTestRedis, type TestRedis } from "../helpers/test-redis.js";
import { openTestStore } from "../helpers/test-store.js";

// SPEC 11 and the edge's first rule: a report runs beside the edge, never in its way. The real
// server process, its own Redis and PostgreSQL; the report is the largest one the server allows
// (REPORT_MAX_ROWS, 500,000 by default, rows of local hour × pixel × creative), its data
// written through the event store's own write path.

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const PIXELS = 7;
const CREATIVES = 50;
/** The default REPORT_MAX_ROWS: one row more and the report ends in error. */
const ROWS = 500_000;
const HOURS = Math.ceil(ROWS / (PIXELS * CREATIVES));

const scope = useProcessScope("report-off-the-edge");
let redis: TestRedis;
let store: Awaited<ReturnType<typeof openTestStore>>;
let port: number;
let member: number;
let reportPixels: number[];
let edgePixel: number;
const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const startServer = () =>
  startServerProcess(
    {
      PORT: String(port),
      REDIS_URL: redis.url,
      DATABASE_URL: store.url,
      SIGNING_SECRET: "report-off-the-edge",
      SPOOL_PATH: join(scope.dir, "spool.jsonl"),
      RATE_LIMIT_READ: "0",
      RATE_LIMIT_WRITE: "0",
    },
    scope.started,
  );

/** The API of a server process, as curl would drive it. */
function httpClient(): ApiClient {
  const app = {
    request: (url: string, init: RequestInit) =>
      fetch(url.replace("https://api.example", `http://127.0.0.1:${port}`), init),
  };
  return new ApiClient(app as unknown as Hono);
}

/** Every local hour of the last HOURS before today, for each pixel and creative: one fire. */
async function seedReportData(advertiser: number): Promise<void> {
  // The seed writes fires up to HOURS back: this writer keeps them (the server keeps 90 days of
  // fires and 400 of aggregates, which is what the report reads).
  const events = new SqlEventStore(store.sql, { logDays: 400, statsDays: 400 }, Date.now, () => {});
  const first = today - HOURS * HOUR_MS;
  const entry = (i: number): FireLogEntry => {
    const combo = i % (PIXELS * CREATIVES);
    const ts = first + Math.floor(i / (PIXELS * CREATIVES)) * HOUR_MS + 60_000;
    return {
      fire: {
        id: newFireId(),
        ts,
        pixel_id: reportPixels[combo % PIXELS] ?? 0,
        advertiser_id: advertiser,
        user_id: "1234567890",
        order_id: null,
        value: null,
        other: null,
        attributed: true,
        counted: false,
        reason: "repeat_interval",
        conversion_type: "view",
        line_item_id: 1,
        campaign_id: null,
        creative_id: 1 + Math.floor(combo / PIXELS),
        imp_ts: ts - HOUR_MS,
      },
      revenue: null,
    };
  };
  const BATCH = 4096;
  for (let from = 0, seq = 0; from < ROWS; from += BATCH, seq++) {
    const batch = Array.from({ length: Math.min(BATCH, ROWS - from) }, (_, j) => entry(from + j));
    await events.append(batch, { writer: "seed", seq });
  }
}

beforeAll(async () => {
  redis = await startTestRedis();
  scope.afterwards(() => redis.stop());
  store = await openTestStore();
  scope.afterwards(() => store.close());
  port = await freePort();
  const server = await startServer();
  const admin = httpClient();
  await admin.login("admin", "a long enough admin password");
  const id = (answer: { body: { response: { id: number } } }) => answer.body.response.id;
  member = id(await admin.post("/member", { member: { name: "Busy" } }));
  const advertiser = id(
    await admin.post(`/advertiser?member_id=${member}`, { advertiser: { name: "Shop" } }),
  );
  const pixels: number[] = [];
  for (let p = 0; p <= PIXELS; p++)
    pixels.push(
      id(
        await admin.post(`/pixel?member_id=${member}&advertiser_id=${advertiser}`, {
          pixel: { name: `Pixel ${p}` },
        }),
      ),
    );
  edgePixel = pixels.pop() ?? 0;
  reportPixels = pixels;
  await seedReportData(advertiser);
  await store.sql.query("ANALYZE");
  expect(await server.stop()).toBe(0);
}, 240_000);

/** The largest report this server allows: every seeded row, by local hour, pixel and creative. */
const largestReport = {
  report_type: "network_analytics",
  columns: ["hour", "pixel_id", "pixel_name", "creative_id", "fires", "unattributed_fires"],
  start_date: day(today - HOURS * HOUR_MS - DAY_MS),
  end_date: day(today + DAY_MS),
  timezone: "Asia/Kolkata",
};

async function postLargestReport(server: ServerProcess): Promise<string> {
  const admin = httpClient();
  await admin.login("admin", "a long enough admin password");
  const posted = await admin.post(`/report?member_id=${member}`, {
    report: { ...largestReport, filters: [{ pixel_id: reportPixels }] },
  });
  expect(posted.status, `${JSON.stringify(posted.body)} ${server.output().slice(-500)}`).toBe(200);
  return posted.body.response.report_id as string;
}

const jobOf = async (id: string) => {
  const [job] = await store.sql.query<{ status: string; attempts: number; row_count: number }>(
    "SELECT status, attempts, row_count FROM report_jobs WHERE id = $1",
    [id],
  );
  return job;
};

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;

/**
 * /px latencies (ms, sorted) of a fire every 10 ms until `done`, whether or not the last one
 * was answered (a browser does not wait for another's answer): a blocked server shows as every
 * fire that waited, not as one slow one.
 */
async function pxLatencies(done: () => boolean): Promise<number[]> {
  const base = `http://127.0.0.1:${port}`;
  const fire = async (): Promise<number> => {
    const t0 = performance.now();
    const response = await fetch(`${base}/px?id=${edgePixel}`);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`/px answered ${response.status}`);
    return performance.now() - t0;
  };
  const fires: Array<Promise<number>> = [];
  while (!done()) {
    fires.push(fire());
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return (await Promise.all(fires)).sort((a, b) => a - b);
}

const describeLatencies = (latencies: number[]) =>
  `${latencies.length} /px: p50 ${quantile(latencies, 0.5).toFixed(1)} ms, ` +
  `p99 ${quantile(latencies, 0.99).toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms`;

describe("the largest report a server allows, while it runs", () => {
  it("leaves /px answering within 50 ms at the 99th percentile", async () => {
    const server = await startServer();
    // A first fire puts the pixel's config in the server's cache; then the machine as it is,
    // without a report, for comparison.
    await pxLatencies(() => true);
    await (await fetch(`http://127.0.0.1:${port}/px?id=${edgePixel}`)).arrayBuffer();
    const quiet = performance.now() + 4000;
    const before = await pxLatencies(() => performance.now() > quiet);

    const id = await postLargestReport(server);
    const started = performance.now();
    let ran = false;
    let finished = false;
    const watch = (async () => {
      while (!finished && performance.now() - started < 180_000) {
        const job = await jobOf(id);
        if (job?.status === "running") ran = true;
        finished = job?.status === "ready" || job?.status === "error";
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const during = await pxLatencies(() => finished || performance.now() - started > 180_000);
    await watch;
    const seconds = (performance.now() - started) / 1000;
    const job = await jobOf(id);
    console.log(
      `without a report, ${describeLatencies(before)}; the largest report (${job?.row_count} ` +
        `rows) ${job?.status} in ${seconds.toFixed(1)} s, meanwhile ${describeLatencies(during)}`,
    );
    expect(await server.stop()).toBe(0);
    expect(job).toMatchObject({ status: "ready", row_count: ROWS });
    expect(ran).toBe(true);
    expect(during.length).toBeGreaterThan(200);
    // 50 ms is the bound. The report takes a core (its thread, then PostgreSQL), so on a
    // 2-core machine that others load too, a fire also waits for the scheduler: when the same
    // server without a report already shows a p99 above 20 ms, the bound grows by as much. On
    // the event loop the report held every fire for seconds (p99 3,226 ms): either way, far off.
    const allowance = 50 + Math.max(0, quantile(before, 0.99) - 20);
    expect(quantile(during, 0.99)).toBeLessThan(allowance);
  }, 240_000);
});

describe("SIGTERM while a report runs", () => {
  it("stops the server within 10 s; the job runs once more after the restart, not for ever", async () => {
    const server = await startServer();
    const id = await postLargestReport(server);
    await until(async () => (await jobOf(id))?.status === "running", 30_000);
    const t0 = performance.now();
    const code = await server.stop();
    const seconds = (performance.now() - t0) / 1000;
    const after = await jobOf(id);
    console.log(
      `SIGTERM with a report running: exited ${code} in ${seconds.toFixed(2)} s, job ${after?.status}`,
    );
    expect(code).toBe(0);
    expect(seconds).toBeLessThan(10);
    // Stopped, not finished: it is given back, with the attempt counted.
    expect(after).toMatchObject({ status: "pending", attempts: 1 });

    const restarted = await startServer();
    await until(async () => (await jobOf(id))?.status === "ready", 120_000);
    expect(await jobOf(id)).toMatchObject({ status: "ready", attempts: 2, row_count: ROWS });
    expect(await restarted.stop()).toBe(0);
  }, 240_000);
});
