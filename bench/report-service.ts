// `npx tsx bench/report-service.ts`: how long the Report Service takes from POST /report to
// `ready` over a month of data (SPEC 11; target 2 s each): attributed_conversions over
// 1,000,000 conversions and network_analytics over 10,000,000 fires in 30 days, and what the
// store holds for them. The data goes in through the event store's own write path (batches of
// decided fires), into a private PostgreSQL; the objects and the reports go through the API of
// the Node runtime, on a private Redis. BENCH_REPORT_FIRES (10,000,000) sets the size; every
// 10th fire is a counted conversion. Figures go to bench/results/report-service.json.

import { ensureAdmin } from "../src/api/objects/users.js";
import { readConfig } from "../src/config.js";
import { newFireId } from "../src/conversions/fire-id.js";
import type { FireLogEntry } from "../src/conversions/log-rows.js";
import { startRedisServer } from "../src/node/find-redis.js";
import { freePort } from "../src/node/free-port.js";
import { createNodeRuntime } from "../src/node/node-runtime.js";
import { openStore } from "../src/node/open-store.js";
import { connectRedis } from "../src/storage/redis/connect.js";
import { ADMIN, ApiClient } from "../test/helpers/api-client.js";
import { startPrivatePostgres } from "../test/helpers/private-postgres.js";
import { stopProcess } from "./processes.js";
import { median, writeResults } from "./results.js";

const FIRES = Number(process.env.BENCH_REPORT_FIRES || 10_000_000);
const BATCH = 4096;
const IN_FLIGHT = 2;
const DAYS = 30;
const PIXELS = 20;
const LINE_ITEMS = 20;
const RUNS = 3;

const NOW = Date.UTC(2026, 11, 1, 0, 0, 0);
const FIRST = NOW - DAYS * 86_400_000;

const redisServer = await startRedisServer(await freePort(), null);
const redis = connectRedis({ url: redisServer.url });
const postgres = await startPrivatePostgres();
const config = readConfig({
  SIGNING_SECRET: "bench",
  DATABASE_URL: postgres.url,
  RATE_LIMIT_READ: "0",
  RATE_LIMIT_WRITE: "0",
});
const store = await openStore(
  config,
  () => {},
  () => NOW,
);
await store.ready;
const edge = await createNodeRuntime(config, redis, store, () => {}, { clock: () => NOW });

try {
  await ensureAdmin(edge.api, ADMIN, () => {});
  const admin = new ApiClient(edge.app);
  await admin.login(ADMIN.username, ADMIN.password);
  const id = (r: { body: { response: { id: number } } }) => r.body.response.id;
  const member = id(await admin.post("/member", { member: { name: "Bench" } }));
  const advertiser = id(
    await admin.post(`/advertiser?member_id=${member}`, { advertiser: { name: "Shop" } }),
  );
  const pixels: number[] = [];
  for (let p = 0; p < PIXELS; p++)
    pixels.push(
      id(
        await admin.post(`/pixel?member_id=${member}&advertiser_id=${advertiser}`, {
          pixel: { name: `Pixel ${p}` },
        }),
      ),
    );
  const lineItems: number[] = [];
  for (let l = 0; l < LINE_ITEMS; l++)
    lineItems.push(
      id(
        await admin.post(`/line-item?member_id=${member}&advertiser_id=${advertiser}`, {
          "line-item": { name: `LI ${l}`, pixels: pixels.map((p) => ({ id: p })) },
        }),
      ),
    );

  // A month of fires, spread evenly, one in ten a counted conversion (click or view).
  const entry = (i: number): FireLogEntry => {
    const counted = i % 10 === 0;
    const click = i % 20 === 0;
    const ts = FIRST + Math.floor((i / FIRES) * DAYS * 86_400_000);
    const li = lineItems[i % LINE_ITEMS] ?? 0;
    return {
      fire: {
        id: newFireId(),
        ts,
        pixel_id: pixels[i % PIXELS] ?? 0,
        advertiser_id: advertiser,
        user_id: String(1_000_000_000_000 + (i % 3_000_000)),
        order_id: counted ? `o-${i}` : null,
        value: null,
        other: null,
        attributed: counted,
        counted,
        reason: counted ? "counted" : "no_touch",
        conversion_type: counted ? (click ? "click" : "view") : null,
        line_item_id: counted ? li : null,
        campaign_id: counted ? 1 + (i % 7) : null,
        creative_id: counted ? 1 + (i % 5) : null,
        imp_ts: counted ? ts - 3_600_000 : null,
      },
      revenue: counted ? 10 + (i % 90) : null,
    };
  };
  const loadStarted = Date.now();
  let next = 0;
  let seq = 0;
  const writer = async () => {
    while (next < FIRES) {
      const from = next;
      next = Math.min(FIRES, next + BATCH);
      const batch = Array.from({ length: next - from }, (_, j) => entry(from + j));
      await store.append(batch, { writer: "bench", seq: seq++ });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, writer));
  const loadSeconds = (Date.now() - loadStarted) / 1000;
  // As autovacuum would have by then: the planner knows the tables' sizes.
  await store.sql.query("ANALYZE");

  const timeToReady = async (report: Record<string, unknown>, query = "") => {
    const times: number[] = [];
    let rows = 0;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const posted = await admin.post(`/report?member_id=${member}${query}`, { report });
      const reportId = posted.body.response.report_id;
      if (!reportId) throw new Error(JSON.stringify(posted.body));
      for (;;) {
        const polled = (await admin.get(`/report?id=${reportId}&without_data`)).body.response;
        if (polled.execution_status === "error") throw new Error(polled.report.error);
        if (polled.execution_status === "ready") {
          rows = Number(polled.report.row_count);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      times.push((performance.now() - started) / 1000);
    }
    return {
      secondsToReady: Number(median(times).toFixed(3)),
      runs: times.map((t) => Number(t.toFixed(3))),
      rows,
    };
  };

  const attributed = await timeToReady(
    {
      report_type: "attributed_conversions",
      columns: [
        "day",
        "pixel_id",
        "line_item_id",
        "line_item_name",
        "campaign_id",
        "creative_id",
        "post_click_or_post_view_conv",
        "post_click_or_post_view_revenue",
      ],
      report_interval: "last_30_days",
    },
    `&advertiser_id=${advertiser}`,
  );
  const network = await timeToReady({
    report_type: "network_analytics",
    columns: [
      "day",
      "pixel_id",
      "pixel_name",
      "line_item_id",
      "campaign_id",
      "creative_id",
      "fires",
      "unattributed_fires",
      "total_convs",
      "total_revenue",
    ],
    report_interval: "last_30_days",
  });
  const networkHourly = await timeToReady({
    report_type: "network_analytics",
    columns: ["hour", "pixel_id", "fires", "total_convs", "total_revenue"],
    report_interval: "last_30_days",
    timezone: "America/New_York",
  });

  const size = async (table: string) =>
    Number(
      (
        await store.sql.query<{ bytes: string }>(
          `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::text AS bytes
             FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
             LEFT JOIN pg_class p ON p.oid = i.inhparent
            WHERE c.relkind = 'r' AND (c.relname = $1 OR p.relname = $1)`,
          [table],
        )
      )[0]?.bytes ?? 0,
    );
  const count = async (table: string) =>
    Number(
      (await store.sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`))[0]?.n ?? 0,
    );
  const mb = (bytes: number) => Number((bytes / 1024 / 1024).toFixed(1));
  const stored = {
    fires: await count("fires"),
    conversions: await count("conversions"),
    reportQuarterRows: await count("report_quarters"),
    firesMB: mb(await size("fires")),
    conversionsMB: mb(await size("conversions")),
    reportQuartersMB: mb(await size("report_quarters")),
  };
  const figures = {
    firesLoaded: FIRES,
    loadSeconds: Number(loadSeconds.toFixed(1)),
    stored,
    attributedConversions: { ...attributed, overConversions: stored.conversions },
    networkAnalyticsDaily: { ...network, overFires: stored.fires },
    networkAnalyticsHourlyNewYork: { ...networkHourly, overFires: stored.fires },
    targetSeconds: 2,
  };
  console.log(JSON.stringify(figures, null, 2));
  console.log(`written to ${writeResults("report-service", figures)}`);
} finally {
  await edge.close();
  redis.disconnect();
  await store.close();
  await postgres.destroy();
  await stopProcess(redisServer.process);
}
