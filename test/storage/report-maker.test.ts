import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newFireId } from "../../src/conversions/fire-id.js";
import type { FireLogEntry } from "../../src/conversions/log-rows.js";
import { ReportThread } from "../../src/node/report-thread.js";
import type { NamedIds } from "../../src/reports/service/report-build.js";
import type { ReportJob, ReportRequest } from "../../src/reports/service/report-job.js";
import {
  type ReportMaker,
  ReportStopped,
  ReportsInProcess,
} from "../../src/reports/service/report-maker.js";
import { SqlEventStore } from "../../src/storage/sql/event-store.js";
import { migrate } from "../../src/storage/sql/migrate.js";
import { pgliteClient } from "../../src/storage/sql/pglite-client.js";
import type { SqlClient } from "../../src/storage/sql/sql-client.js";
import { openTestStore } from "../helpers/test-store.js";

// The two places a report is made: a thread with its own connection (with DATABASE_URL) and
// the process itself (the embedded store). The same report, read back through the job store.

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const HOUR_MS = 3_600_000;

const request: ReportRequest = {
  report_type: "network_analytics",
  columns: ["hour", "pixel_name", "fires"],
  filters: {},
  orders: [{ column: "fires", direction: "DESC" }],
  from: NOW - 3 * HOUR_MS,
  to: NOW,
  timezone: "Asia/Kathmandu",
  start_date: "",
  end_date: "",
  format: "csv",
  escape_fields: false,
  pixel_ids: [37],
};

/** Fires of pixel 37: one at 09:10 UTC, two at 10:20 UTC. */
async function seed(sql: SqlClient): Promise<ReportJob> {
  const events = new SqlEventStore(
    sql,
    { logDays: 90, statsDays: 400 },
    () => NOW,
    () => {},
  );
  const entry = (ts: number): FireLogEntry => ({
    fire: {
      id: newFireId(),
      ts,
      pixel_id: 37,
      advertiser_id: 2,
      user_id: "4242",
      order_id: null,
      value: null,
      other: null,
      attributed: false,
      counted: false,
      reason: "no_touch",
      conversion_type: null,
      line_item_id: null,
      campaign_id: null,
      creative_id: null,
      imp_ts: null,
    },
    revenue: null,
  });
  const at = Date.UTC(2026, 10, 28, 9, 10);
  await events.append([entry(at), entry(at + 70 * 60_000), entry(at + 71 * 60_000)], {
    writer: "seed",
    seq: 1,
  });
  const job = {
    id: "0".repeat(32),
    member_id: 1,
    user_id: 5,
    request,
    json_request: "{}",
    header_info: "",
    created_on: NOW,
  };
  expect(await events.reportJobs.create(job)).toBe(true);
  const claimed = await events.reportJobs.claim(NOW);
  if (!claimed) throw new Error("no job to claim");
  return claimed;
}

const asked: NamedIds[] = [];
const names = async (ids: NamedIds) => {
  asked.push(ids);
  return {
    pixels: new Map([[37, { name: "Thank you", advertiser_id: 2 }]]),
    advertisers: new Map(),
    lineItems: new Map(),
    campaigns: new Map(),
  };
};

function contract(
  name: string,
  open: () => Promise<{ sql: SqlClient; maker: ReportMaker; close(): Promise<void> }>,
) {
  describe(name, () => {
    let opened: Awaited<ReturnType<typeof open>>;
    let job: ReportJob;
    beforeAll(async () => {
      opened = await open();
      job = await seed(opened.sql);
    }, 60_000);
    afterAll(async () => {
      await opened.maker.close();
      await opened.close();
    });

    it("reads the rows, asks for their names, and stores the file", async () => {
      asked.length = 0;
      expect(await opened.maker.make(job, 10, names)).toEqual({ rowCount: 2 });
      expect(asked).toEqual([{ pixels: [37], advertisers: [], lineItems: [], campaigns: [] }]);
      await opened.maker.store(job.id, NOW + 1000);
      const jobs = new SqlEventStore(
        opened.sql,
        { logDays: 90, statsDays: 400 },
        () => NOW,
        () => {},
      ).reportJobs;
      expect(await jobs.get(job.id, NOW)).toMatchObject({ status: "ready", row_count: 2 });
      // Kathmandu is UTC+5:45: 09:10 UTC is in its 14:00 hour, 10:20 and 10:21 in its 16:00.
      expect(await jobs.result(job.id)).toBe(
        "hour,pixel_name,fires\r\n2026-11-28 16:00,Thank you,2\r\n2026-11-28 14:00,Thank you,1\r\n",
      );
    });

    it("refuses a report over its rows, without building it", async () => {
      asked.length = 0;
      expect(await opened.maker.make(job, 1, names)).toEqual({
        refused: "the report has more than 1 rows: narrow its dates, filters or columns",
      });
      expect(asked).toEqual([]);
    });
  });
}

contract("on a thread of its own, with its own connection", async () => {
  const store = await openTestStore(() => NOW);
  return { sql: store.sql, maker: new ReportThread(store.url, () => {}), close: store.close };
});

contract("in the process, on the embedded store", async () => {
  const sql = await pgliteClient("memory://");
  await migrate(sql);
  const events = new SqlEventStore(
    sql,
    { logDays: 90, statsDays: 400 },
    () => NOW,
    () => {},
  );
  return {
    sql,
    maker: new ReportsInProcess(events.reportSource, events.reportJobs),
    close: () => sql.close(),
  };
});

describe("a report thread ended while it works", () => {
  it("rejects with ReportStopped at once, and makes the next report on a new thread", async () => {
    const store = await openTestStore(() => NOW);
    const maker = new ReportThread(store.url, () => {});
    try {
      const job = await seed(store.sql);
      const making = maker.make(job, 10, names);
      maker.abort();
      await expect(making).rejects.toBeInstanceOf(ReportStopped);
      expect(await maker.make(job, 10, names)).toEqual({ rowCount: 2 });
    } finally {
      await maker.close();
      await store.close();
    }
  }, 60_000);
});
