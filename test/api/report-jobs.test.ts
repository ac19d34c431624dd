import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { objectNames } from "../../src/api/reports/object-names.js";
import { ReportThread } from "../../src/node/report-thread.js";
import { MAX_ATTEMPTS, ReportRunner } from "../../src/reports/service/report-runner.js";
import type { ApiClient } from "../helpers/api-client.js";
import { twoMembers } from "../helpers/api-world.js";
import { startNodeEdge, useNodeEdge } from "../helpers/node-edge.js";

const at = (iso: string) => Date.parse(`${iso}Z`);
let now = at("2026-11-20T12:00:00");
const clock = () => now;
// This edge answers the API but runs no report: the jobs wait for another process.
const fixture = useNodeEdge(clock, { resetBeforeEach: false, env: { REPORT_RUNNERS: "0" } });

let a: ApiClient;
let pixel: number;
let runner: Awaited<ReturnType<typeof startNodeEdge>> | undefined;

/** A second API process on the same Redis and store, which runs reports. */
const startRunner = async (env: Record<string, string> = {}) => {
  runner = await startNodeEdge(
    fixture.redis.url,
    { DATABASE_URL: fixture.edge.databaseUrl, REPORT_RUNNERS: "2", ...env },
    clock,
  );
  return runner;
};

beforeAll(async () => {
  const m = await twoMembers(fixture.edge);
  a = m.a;
  const advertiser = (await a.post("/advertiser", { advertiser: { name: "Adv" } })).body.response
    .id as number;
  pixel = (await a.post(`/pixel?advertiser_id=${advertiser}`, { pixel: { name: "P" } })).body
    .response.id as number;
  for (const hour of ["09", "10", "11"]) {
    now = at(`2026-11-20T${hour}:00:00`);
    await fixture.edge.app.request(`https://px.example/px?id=${pixel}`);
  }
  await fixture.edge.drain();
  now = at("2026-11-20T12:00:00");
});

afterAll(async () => {
  await runner?.close();
});

const hourly = {
  report_type: "network_analytics",
  columns: ["hour", "fires"],
  report_interval: "today",
};

const status = async (id: string) =>
  (await a.get(`/report?id=${id}`)).body.response as {
    execution_status: string;
    report: { error?: string; row_count: string | null };
  };

async function until<T>(what: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await what();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("timed out");
}

describe("report jobs shared by API processes", () => {
  it("queues at most 5 unfinished reports per user, even when asked for at once", async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => a.post("/report", { report: hourly })),
    );
    const accepted = answers.filter((r) => r.status === 200);
    const refused = answers.filter((r) => r.status === 429);
    expect(accepted).toHaveLength(5);
    expect(refused).toHaveLength(3);
    expect(refused[0]?.body.response).toMatchObject({
      error_id: "SYSTEM",
      error_code: "RATE_EXCEEDED",
    });
    expect(refused[0]?.headers.get("retry-after")).toBe("10");
    const ids = accepted.map((r) => r.body.response.report_id as string);
    // Nobody runs reports here: they stay pending, with no data yet.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const id of ids) expect((await status(id)).execution_status).toBe("pending");

    // Another process runs them, and every process answers for them.
    await startRunner();
    for (const id of ids) {
      const done = await until(
        () => status(id),
        (s) => s.execution_status !== "pending",
      );
      expect(done).toMatchObject({ execution_status: "ready", report: { row_count: "3" } });
    }
    const runs = await fixture.edge.store.sql.query<{ attempts: number }>(
      "SELECT attempts FROM report_jobs WHERE id = ANY($1)",
      [ids],
    );
    expect(runs.map((r) => r.attempts)).toEqual([1, 1, 1, 1, 1]);
    const sixth = await a.post("/report", { report: hourly });
    expect(sixth.status).toBe(200);
    await until(
      () => status(sixth.body.response.report_id),
      (s) => s.execution_status === "ready",
    );
  });

  it("runs again a job whose runner died, after its lease", async () => {
    await runner?.close();
    runner = undefined;
    const posted = await a.post("/report", { report: hourly });
    const id = posted.body.response.report_id as string;
    // A runner takes it, then its process dies before it finishes.
    const claimed = await fixture.edge.store.reportJobs.claim(now);
    expect(claimed?.id).toBe(id);
    const second = await startRunner();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await status(id)).execution_status).toBe("pending");
    now += 6 * 60_000;
    await a.login("alice", "alice has a long password");
    second.reportRunner.wake();
    const done = await until(
      () => status(id),
      (s) => s.execution_status !== "pending",
    );
    expect(done.execution_status).toBe("ready");
  });

  it("ends a report past its row limit in error, and keeps reports 24 hours", async () => {
    await runner?.close();
    await startRunner({ REPORT_MAX_ROWS: "2" });
    const posted = await a.post("/report", { report: hourly });
    const id = posted.body.response.report_id as string;
    const failed = await until(
      () => status(id),
      (s) => s.execution_status !== "pending",
    );
    expect(failed.execution_status).toBe("error");
    expect(failed.report.error).toMatch(/more than 2 rows/);
    const download = await a.get(`/report-download?id=${id}`);
    expect(download.status).toBe(400);
    expect(download.body.response.error).toMatch(/^id: the report ended in error/);

    now += 24 * 3_600_000 + 1000;
    await a.login("alice", "alice has a long password");
    expect((await a.get(`/report?id=${id}`)).status).toBe(404);
  });

  it("gives a job up after its runner stopped twice, instead of running it for ever", async () => {
    await runner?.close();
    runner = undefined;
    const posted = await a.post("/report", { report: hourly });
    const id = posted.body.response.report_id as string;
    // Twice a runner takes it and its process stops: the job is given back each time.
    const jobs = fixture.edge.store.reportJobs;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const claimed = await jobs.claim(now);
      expect(claimed).toMatchObject({ id, attempts: attempt });
      await jobs.release(id);
      expect((await status(id)).execution_status).toBe("pending");
    }
    await startRunner();
    const done = await until(
      () => status(id),
      (s) => s.execution_status !== "pending",
    );
    expect(done).toMatchObject({
      execution_status: "error",
      report: { error: expect.stringMatching(/interrupted 2 times.*ask for it again/) },
    });
  });

  it("ends in error a report that runs past its time, its thread ended", async () => {
    await runner?.close();
    runner = undefined;
    const posted = await a.post("/report", { report: hourly });
    const id = posted.body.response.report_id as string;
    const edge = fixture.edge;
    const log: Array<Record<string, unknown>> = [];
    // 50 ms: starting the report's thread alone takes longer.
    const late = new ReportRunner({
      jobs: edge.store.reportJobs,
      names: objectNames(edge.api.stores),
      maker: () => new ReportThread(edge.databaseUrl, (line) => log.push(line)),
      clock,
      log: (line) => log.push(line),
      maxRows: { csv: 1000, excel: 1000 },
      runLimitMs: 50,
      pollMs: 50,
    });
    late.start(1);
    try {
      const failed = await until(
        () => status(id),
        (s) => s.execution_status !== "pending",
      );
      expect(failed).toMatchObject({
        execution_status: "error",
        report: {
          error: "the report ran for more than 0.05 s: narrow its dates, filters or columns",
        },
      });
    } finally {
      await late.stop();
    }
    expect(log).toEqual([]);
  });
});
