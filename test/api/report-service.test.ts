import { beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../helpers/api-client.js";
import { fireFrom, postTouch, twoMembers } from "../helpers/api-world.js";
import { useNodeEdge } from "../helpers/node-edge.js";

const at = (iso: string) => Date.parse(`${iso}Z`);
let now = at("2026-10-31T12:00:00");
// The tests only read what beforeAll fired (and queue reports of their own).
const fixture = useNodeEdge(() => now, { resetBeforeEach: false });

interface World {
  a: ApiClient;
  b: ApiClient;
  advertiser: number;
  p1: number;
  p2: number;
  quiet: number;
  li1: number;
  li2: number;
  c1: number;
  c2: number;
  bAdvertiser: number;
  bPixel: number;
}

let w: World;

async function createWorld(): Promise<World> {
  const m = await twoMembers(fixture.edge);
  const id = (answer: { body: { response: { id: number } } }) => answer.body.response.id;
  const advertiser = id(await m.a.post("/advertiser", { advertiser: { name: "ProStarr" } }));
  const pixel = async (client: ApiClient, adv: number, name: string) =>
    id(
      await client.post(`/pixel?advertiser_id=${adv}`, {
        pixel: {
          name,
          trigger_type: "hybrid",
          post_view_expire_mins: 1440,
          post_click_expire_mins: 20160,
          post_view_value: 1,
          post_click_value: 10,
        },
      }),
    );
  const p1 = await pixel(m.a, advertiser, "=Thank you");
  const p2 = await pixel(m.a, advertiser, "Sign-up, step 2");
  const quiet = await pixel(m.a, advertiser, "Never fired");
  const lineItem = async (name: string, pixels: number[]) =>
    id(
      await m.a.post(`/line-item?advertiser_id=${advertiser}`, {
        "line-item": { name, pixels: pixels.map((p) => ({ id: p })) },
      }),
    );
  const li1 = await lineItem("Spring LI", [p1]);
  const li2 = await lineItem("Retargeting LI", [p1, p2]);
  const campaign = async (name: string, li: number) =>
    id(
      await m.a.post(`/campaign?advertiser_id=${advertiser}`, {
        campaign: { name, line_item_id: li },
      }),
    );
  const c1 = await campaign("Spring banners", li1);
  const c2 = await campaign("Retargeting video", li2);
  const bAdvertiser = id(await m.b.post("/advertiser", { advertiser: { name: "B" } }));
  const bPixel = await pixel(m.b, bAdvertiser, "B's pixel");
  await m.b.post(`/line-item?advertiser_id=${bAdvertiser}`, {
    "line-item": { name: "B LI", pixels: [{ id: bPixel }] },
  });
  return { a: m.a, b: m.b, advertiser, p1, p2, quiet, li1, li2, c1, c2, bAdvertiser, bPixel };
}

async function touch(
  type: "imp" | "click",
  user: string,
  iso: string,
  li: number,
  campaign: number,
  creative: number,
) {
  now = at(iso);
  await postTouch(w.a, {
    type,
    user_id: user,
    advertiser_id: w.advertiser,
    line_item_id: li,
    campaign_id: campaign,
    creative_id: creative,
    ts: now,
  });
}

async function fire(query: string, user: string | null, iso: string) {
  now = at(iso);
  await fireFrom(fixture.edge, query, user);
}

/**
 * Fires around New York's fall-back (2026-11-01 06:00 UTC: 02:00 EDT becomes 01:00 EST), so that
 * the local hour 01:00 happens twice and UTC and New York see different days:
 * - 05:30Z (01:30 EDT) u1 fires p1, 49.9, order A-1, after a click on li1/c1/creative 11
 * - 06:30Z (01:30 EST) u2 fires p1, order A-2, after an impression of li2/c2/creative 22
 * - 07:00Z a browser without a cookie fires p1: unattributed
 * - 2026-11-02 04:30Z (Nov 1, 23:30 EST) u3 fires p2, 3.25, after a click on li2/c2/creative 23
 * - member B's pixel fires: never in member A's reports
 */
async function fireKnownMix() {
  await touch("click", "111", "2026-10-31T20:00:00", w.li1, w.c1, 11);
  await touch("imp", "222", "2026-10-31T21:00:00", w.li2, w.c2, 22);
  await touch("click", "333", "2026-10-31T22:00:00", w.li2, w.c2, 23);
  await fire(`id=${w.p1}&value=49.9&order_id=A-1&other=spring`, "111", "2026-11-01T05:30:00");
  await fire(`id=${w.p1}&order_id=A-2`, "222", "2026-11-01T06:30:00");
  await fire(`id=${w.p1}`, null, "2026-11-01T07:00:00");
  await fire(`id=${w.p2}&value=3.25`, "333", "2026-11-02T04:30:00");
  await fire(`id=${w.bPixel}`, "111", "2026-11-02T05:00:00");
  now = at("2026-11-03T12:00:00");
  await w.a.login("alice", "alice has a long password");
  await w.b.login("bob", "bob has a long password");
}

beforeAll(async () => {
  w = await createWorld();
  await fireKnownMix();
});

/** POST /report, then poll GET /report?id= as Xandr's clients do, until it is not pending. */
async function runReport(client: ApiClient, report: Record<string, unknown>, query = "") {
  const posted = await client.post(`/report${query}`, { report });
  expect(posted.status, JSON.stringify(posted.body)).toBe(200);
  const id = posted.body.response.report_id as string;
  expect(id).toMatch(/^[0-9a-f]{32}$/);
  for (let i = 0; i < 200; i++) {
    const polled = await client.get(`/report?id=${id}`);
    expect(polled.status).toBe(200);
    if (polled.body.response.execution_status !== "pending")
      return { id, posted: posted.body.response, polled: polled.body.response };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`report ${id} still pending`);
}

const lines = (csv: string) => csv.trimEnd().split("\r\n");

describe("network_analytics", () => {
  const columns = [
    "day",
    "line_item_id",
    "line_item_name",
    "campaign_name",
    "creative_id",
    "post_click_convs",
    "post_view_convs",
    "total_revenue",
    "fires",
    "unattributed_fires",
  ];

  it("runs as a job: pending, then ready with the data inline, the same file to download", async () => {
    const { id, polled } = await runReport(w.a, {
      report_type: "network_analytics",
      columns,
      start_date: "2026-11-01",
      end_date: "2026-11-03",
      timezone: "America/New_York",
    });
    expect(polled.execution_status).toBe("ready");
    expect(polled.report).toMatchObject({
      url: `report-download?id=${id}`,
      row_count: "4",
      created_on: "2026-11-03 12:00:00",
      execution_status: "ready",
    });
    expect(JSON.parse(polled.report.json_request).report.report_type).toBe("network_analytics");
    expect(polled.report.header_info).toContain("Report type:,network_analytics\r\n");
    expect(polled.report.header_info).toContain("Timezone:,America/New_York\r\n");
    // Every fire of Nov 1 in New York (05:30Z to 04:30Z the next day): the unattributed fire
    // has no line item; the rows are in the columns' order.
    expect(lines(polled.report.data)).toEqual([
      columns.join(","),
      "2026-11-01,,,,,0,0,0,1,1",
      `2026-11-01,${w.li1},Spring LI,Spring banners,11,1,0,49.9,1,0`,
      `2026-11-01,${w.li2},Retargeting LI,Retargeting video,22,0,1,1,1,0`,
      `2026-11-01,${w.li2},Retargeting LI,Retargeting video,23,1,0,3.25,1,0`,
    ]);
    const download = await w.a.get(`/report-download?id=${id}`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(download.body).toBe(polled.report.data);
    const without = await w.a.get(`/report?id=${id}&without_data`);
    expect(without.body.response.report.data).toBeUndefined();
    expect(without.body.response.execution_status).toBe("ready");
  });

  it("reads days in the report's time zone: in UTC the last conversion is on Nov 2", async () => {
    const { polled } = await runReport(w.a, {
      report_type: "network_analytics",
      columns: ["day", "pixel_id", "pixel_name", "fires", "total_convs", "total_revenue"],
      start_date: "2026-11-01 00:00:00",
      end_date: "2026-11-03 00:00:00",
    });
    expect(lines(polled.report.data)).toEqual([
      "day,pixel_id,pixel_name,fires,total_convs,total_revenue",
      `2026-11-01,${w.p1},'=Thank you,3,2,50.9`,
      `2026-11-02,${w.p2},"Sign-up, step 2",1,1,3.25`,
    ]);
  });

  it("keeps New York's repeated 01:00 as one local hour of two fires", async () => {
    const { polled } = await runReport(w.a, {
      report_type: "network_analytics",
      columns: ["hour", "fires", "post_click_convs", "post_view_convs"],
      start_date: "2026-11-01 00:00:00",
      end_date: "2026-11-01 03:00:00",
      timezone: "America/New_York",
    });
    expect(lines(polled.report.data)).toEqual([
      "hour,fires,post_click_convs,post_view_convs",
      "2026-11-01 01:00,2,1,1",
      "2026-11-01 02:00,1,0,0",
    ]);
  });

  it("filters by a value or a list, orders as asked, and writes tab-separated for excel", async () => {
    const { polled } = await runReport(w.a, {
      report_type: "network_analytics",
      columns: ["month", "line_item_id", "total_revenue"],
      filters: [{ line_item_id: [w.li1, String(w.li2)] }, { pixel_id: w.p1 }],
      orders: [{ order_by: "total_revenue", direction: "DESC" }],
      report_interval: "month_to_date",
      timezone: "America/New_York",
      format: "excel",
    });
    expect(lines(polled.report.data)).toEqual([
      "month\tline_item_id\ttotal_revenue",
      `2026-11\t${w.li1}\t49.9`,
      `2026-11\t${w.li2}\t1`,
    ]);
  });

  it("never shows another member's pixels, even when asked for by id", async () => {
    const mine = await runReport(w.b, {
      report_type: "network_analytics",
      columns: ["pixel_id", "fires"],
      report_interval: "last_7_days",
    });
    expect(lines(mine.polled.report.data)).toEqual(["pixel_id,fires", `${w.bPixel},1`]);
    const theirs = await runReport(w.b, {
      report_type: "network_analytics",
      columns: ["pixel_id", "fires"],
      filters: [{ pixel_id: w.p1 }],
      report_interval: "last_7_days",
    });
    expect(lines(theirs.polled.report.data)).toEqual(["pixel_id,fires"]);
    const aReport = await runReport(w.a, {
      report_type: "network_analytics",
      columns: ["fires"],
      report_interval: "last_7_days",
    });
    for (const path of [`/report?id=${aReport.id}`, `/report-download?id=${aReport.id}`]) {
      const answer = await w.b.get(path);
      expect(answer.status).toBe(404);
      expect(answer.body.response).toMatchObject({
        error_id: "NOTFOUND",
        dbg_info: { output_term: "not_found" },
      });
    }
  });
});

describe("advertiser_analytics and attributed_conversions", () => {
  it("lists each conversion with its touch, type and revenue in the report's zone", async () => {
    const { polled } = await runReport(
      w.a,
      {
        report_type: "attributed_conversions",
        columns: [
          "datetime",
          "pixel_id",
          "order_id",
          "external_data",
          "post_click_or_post_view_conv",
          "line_item_id",
          "campaign_id",
          "campaign_name",
          "creative_id",
          "imp_time",
          "imp_type",
          "user_id",
          "post_click_or_post_view_revenue",
        ],
        report_interval: "last_7_days",
        timezone: "America/New_York",
      },
      `?advertiser_id=${w.advertiser}`,
    );
    expect(lines(polled.report.data).slice(1)).toEqual([
      `2026-11-01 01:30:00,${w.p1},A-1,spring,Post Click,${w.li1},${w.c1},Spring banners,11,2026-10-31 16:00:00,Click,111,49.9`,
      `2026-11-01 01:30:00,${w.p1},A-2,,Post View,${w.li2},${w.c2},Retargeting video,22,2026-10-31 17:00:00,Impression,222,1`,
      `2026-11-01 23:30:00,${w.p2},,,Post Click,${w.li2},${w.c2},Retargeting video,23,2026-10-31 18:00:00,Click,333,3.25`,
    ]);
  });

  it("sums conversions by line item and type, and needs its advertiser", async () => {
    const report = {
      report_type: "attributed_conversions",
      columns: [
        "line_item_name",
        "post_click_or_post_view_conv",
        "post_click_or_post_view_revenue",
      ],
      filters: [{ post_click_or_post_view_conv: "Post Click" }],
      report_interval: "last_7_days",
    };
    const { polled } = await runReport(w.a, report, `?advertiser_id=${w.advertiser}`);
    expect(lines(polled.report.data)).toEqual([
      "line_item_name,post_click_or_post_view_conv,post_click_or_post_view_revenue",
      "Retargeting LI,Post Click,3.25",
      "Spring LI,Post Click,49.9",
    ]);
    const unscoped = await w.a.post("/report", { report });
    expect(unscoped.status).toBe(400);
    expect(unscoped.body.response.error).toMatch(/^advertiser_id: /);
    const foreign = await w.a.post(`/report?advertiser_id=${w.bAdvertiser}`, { report });
    expect(foreign.status).toBe(404);
  });

  it("advertiser_analytics counts what network_analytics counts, for one advertiser", async () => {
    const { polled } = await runReport(
      w.a,
      {
        report_type: "advertiser_analytics",
        columns: ["advertiser_name", "campaign_id", "post_click_revenue", "post_view_revenue"],
        report_interval: "lifetime",
      },
      `?advertiser_id=${w.advertiser}`,
    );
    expect(lines(polled.report.data)).toEqual([
      "advertiser_name,campaign_id,post_click_revenue,post_view_revenue",
      "ProStarr,,0,0",
      `ProStarr,${w.c1},49.9,0`,
      `ProStarr,${w.c2},3.25,1`,
    ]);
  });
});

describe("pixel_fired", () => {
  it("gives each of the member's pixels its last fire, to the second", async () => {
    const { polled } = await runReport(w.a, {
      report_type: "pixel_fired",
      columns: ["pixel_id", "pixel_name", "advertiser_name", "last_fired"],
    });
    expect(lines(polled.report.data)).toEqual([
      "pixel_id,pixel_name,advertiser_name,last_fired",
      `${w.p1},'=Thank you,ProStarr,2026-11-01 07:00:00`,
      `${w.p2},"Sign-up, step 2",ProStarr,2026-11-02 04:30:00`,
      `${w.quiet},Never fired,ProStarr,`,
    ]);
  });
});

describe("GET /report?meta=", () => {
  it("lists a type's columns, filters and intervals", async () => {
    const meta = (await w.a.get("/report?meta=attributed_conversions")).body.response.meta;
    expect(meta.columns).toContainEqual({ column: "post_click_or_post_view_conv", type: "enum" });
    expect(meta.filters).toContainEqual({ column: "line_item_id", type: "int" });
    expect(meta.filters).not.toContainEqual({ column: "line_item_name", type: "string" });
    expect(meta.time_intervals).toContain("last_30_days");
    const all = (await w.a.get("/report?meta")).body.response.meta;
    expect(all.map((m: { report_type: string }) => m.report_type)).toEqual([
      "attributed_conversions",
      "network_analytics",
      "advertiser_analytics",
      "pixel_fired",
    ]);
  });
});

describe("bad requests", () => {
  const base = {
    report_type: "network_analytics",
    columns: ["day", "fires"],
    report_interval: "today",
  };
  it.each([
    [{ ...base, report_type: "network_billing" }, "report_type"],
    [{ ...base, columns: ["day", "imps"] }, "columns"],
    [{ ...base, columns: [] }, "columns"],
    [{ ...base, filters: [{ geo_country: "US" }] }, "filters"],
    [{ ...base, filters: [{ line_item_name: "x" }] }, "filters"],
    [{ ...base, filters: [{ pixel_id: "one" }] }, "filters.pixel_id"],
    [{ ...base, report_interval: "quarter_to_date" }, "report_interval"],
    [{ ...base, timezone: "Mars/Olympus" }, "timezone"],
    [{ ...base, report_interval: undefined, start_date: "2026-13-01" }, "start_date"],
    [{ ...base, report_interval: undefined, start_date: "2025-01-01" }, "start_date"],
    [
      { ...base, report_interval: undefined, start_date: "2026-11-02", end_date: "2026-11-01" },
      "end_date",
    ],
    // The report: quarter hours walked to the year 9999 on the event loop.
    [
      { ...base, report_interval: undefined, start_date: "2026-11-01", end_date: "9999-12-31" },
      "end_date",
    ],
    // Today ends at 2026-11-04 00:00 in UTC (now is 2026-11-03 12:00).
    [
      {
        ...base,
        report_interval: undefined,
        start_date: "2026-11-01",
        end_date: "2026-11-04 01:00:00",
      },
      "end_date",
    ],
    [
      {
        ...base,
        report_type: "attributed_conversions",
        columns: ["day", "order_id"],
        report_interval: undefined,
        start_date: "2026-09-30",
        end_date: "2026-11-03",
      },
      "start_date",
    ],
    [{ ...base, format: "xlsx" }, "format"],
    [{ ...base, orders: [{ order_by: "revenue" }] }, "orders"],
    [{ ...base, orders: ["fires", { order_by: "fires", direction: "DESC" }] }, "orders"],
    [{ ...base, filters: Array.from({ length: 101 }, () => ({ pixel_id: 1 })) }, "filters"],
    [{ ...base, report_interval: undefined }, "report_interval"],
  ])("%j is a SYNTAX error naming %s", async (report, field) => {
    const answer = await w.a.post("/report", { report });
    expect(answer.status).toBe(400);
    expect(answer.body.response.error_id).toBe("SYNTAX");
    expect(answer.body.response.error).toMatch(new RegExp(`^${field.replace(".", "\\.")}: `));
  });

  // PostgreSQL's jsonb (the job's request) holds neither U+0000 nor a lone surrogate, and a
  // field nested 10,000 deep once overflowed the stack that wrote the job: each answered 500.
  it.each([
    [{ order_id: "a\u0000b" }, "filters.order_id", /U\+0000/],
    [{ external_data: "\ud800" }, "filters.external_data", /lone surrogate/],
    [{ user_id: ["1", "x\udc00y"] }, "filters.user_id", /lone surrogate/],
  ])(
    "a filter %j PostgreSQL cannot hold is a SYNTAX error naming %s",
    async (filter, field, why) => {
      const answer = await w.a.post(`/report?advertiser_id=${w.advertiser}`, {
        report: {
          report_type: "attributed_conversions",
          columns: ["order_id", "post_click_or_post_view_revenue"],
          filters: [filter],
          report_interval: "last_7_days",
        },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(answer.body.response.error_id).toBe("SYNTAX");
      expect(answer.body.response.error).toMatch(new RegExp(`^${field.replace(".", "\\.")}: `));
      expect(answer.body.response.error).toMatch(why);
    },
  );

  it("answers a body nested 10,000 deep with a SYNTAX error naming the body", async () => {
    const deep = `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`;
    const answer = await w.a.call(
      "POST",
      "/report",
      `{"report":{"report_type":"network_analytics","columns":["day","fires"],"report_interval":"today","x":${deep}}}`,
    );
    expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(400);
    expect(answer.body.response).toMatchObject({ error_id: "SYNTAX" });
    expect(answer.body.response.error).toMatch(/^body: nests .* more than 32 deep/);
  });

  it("takes a range to the end of today, and 33 days of attributed conversions", async () => {
    const toTomorrow = await w.a.post("/report", {
      report: {
        ...base,
        report_interval: undefined,
        start_date: "2026-11-01",
        end_date: "2026-11-04",
      },
    });
    expect(toTomorrow.status, JSON.stringify(toTomorrow.body)).toBe(200);
    // In Kiritimati (UTC+14) it is already 2026-11-04 02:00: its today ends on the 5th.
    const kiritimati = await w.a.post("/report", {
      report: {
        ...base,
        report_interval: undefined,
        start_date: "2026-11-01",
        end_date: "2026-11-05",
        timezone: "Pacific/Kiritimati",
      },
    });
    expect(kiritimati.status, JSON.stringify(kiritimati.body)).toBe(200);
    const month = await w.a.post(`/report?advertiser_id=${w.advertiser}`, {
      report: {
        report_type: "attributed_conversions",
        columns: ["order_id"],
        start_date: "2026-10-01",
        end_date: "2026-11-03",
      },
    });
    expect(month.status, JSON.stringify(month.body)).toBe(200);
  });

  it("warns about fields it does not read, and answers a malformed id", async () => {
    const posted = await w.a.post("/report", {
      report: { ...base, emails: ["js@example.com"], name: "daily" },
    });
    expect(posted.status).toBe(200);
    expect(posted.body.response.dbg_info.warnings).toEqual([
      "report.emails is not read by this service and was ignored",
      "report.name is not read by this service and was ignored",
    ]);
    expect((await w.a.get("/report?id=../../etc")).status).toBe(400);
    expect((await w.a.get(`/report?id=${"0".repeat(32)}`)).status).toBe(404);
  });
});
