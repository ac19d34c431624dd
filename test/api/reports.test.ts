import { beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../helpers/api-client.js";
import { fireFrom, postTouch, twoMembers } from "../helpers/api-world.js";
import { useNodeEdge } from "../helpers/node-edge.js";

const at = (iso: string) => Date.parse(`${iso}Z`);
let now = at("2026-11-27T19:00:00");
// The tests only read: the world and its fires are made once.
const fixture = useNodeEdge(() => now, { resetBeforeEach: false });

interface World {
  a: ApiClient;
  b: ApiClient;
  advertiser: number;
  p1: number;
  p2: number;
  lineItem: number;
  campaign: number;
  bPixel: number;
}

async function createWorld(): Promise<World> {
  const w = await twoMembers(fixture.edge);
  const advertiser = (await w.a.post("/advertiser", { advertiser: { name: "ProStarr" } })).body
    .response.id as number;
  const pixel = async (client: ApiClient, adv: number, name: string) =>
    (
      await client.post(`/pixel?advertiser_id=${adv}`, {
        pixel: {
          name,
          trigger_type: "hybrid",
          post_view_expire_mins: 1440,
          post_click_expire_mins: 20160,
          post_view_value: 1,
          post_click_value: 10,
        },
      })
    ).body.response.id as number;
  const p1 = await pixel(w.a, advertiser, "=Thank you");
  const p2 = await pixel(w.a, advertiser, "Sign-up, step 2");
  const lineItem = (
    await w.a.post(`/line-item?advertiser_id=${advertiser}`, {
      "line-item": { name: "LI", pixels: [{ id: p1 }, { id: p2 }] },
    })
  ).body.response.id as number;
  const bAdvertiser = (await w.b.post("/advertiser", { advertiser: { name: "B" } })).body.response
    .id as number;
  const bPixel = await pixel(w.b, bAdvertiser, "B's pixel");
  await w.b.post(`/line-item?advertiser_id=${bAdvertiser}`, {
    "line-item": { name: "B LI", pixels: [{ id: bPixel }] },
  });
  const campaign = (
    await w.a.post(`/campaign?advertiser_id=${advertiser}`, {
      campaign: { name: "C", line_item_id: lineItem },
    })
  ).body.response.id as number;
  return { a: w.a, b: w.b, advertiser, p1, p2, lineItem, campaign, bPixel };
}

async function touch(w: World, type: "imp" | "click", user: string, iso: string) {
  now = at(iso);
  await postTouch(w.a, {
    type,
    user_id: user,
    advertiser_id: w.advertiser,
    line_item_id: w.lineItem,
    campaign_id: w.campaign,
    creative_id: 5,
    ts: now,
  });
}

async function fire(query: string, user: string | null, iso: string) {
  now = at(iso);
  await fireFrom(fixture.edge, query, user);
}

/**
 * The known mix, around midnight UTC of 2026-11-28 so that UTC, New York (-5) and Kolkata
 * (+5:30) put the fires on different days and hours:
 * - 23:50 (27th) u1 fires p1 with value 49.9 after a click: a post-click conversion
 * - 00:10 u2 fires p1 after an impression: post-view, the pixel's 1.00
 * - 00:20 a browser without a cookie fires p1: unattributed
 * - 00:30 u1 fires p1 again: attributed, not counted (one conversion per user)
 * - 05:00 u4 fires p2 with value 3.25 after a click: post-click
 * - 06:00 member B's pixel fires: never in member A's answers
 */
async function fireKnownMix(w: World) {
  await touch(w, "click", "111", "2026-11-27T20:00:00");
  await touch(w, "imp", "222", "2026-11-27T21:00:00");
  await touch(w, "click", "444", "2026-11-27T22:00:00");
  await fire(`id=${w.p1}&value=49.9&order_id=A-1`, "111", "2026-11-27T23:50:00");
  await fire(`id=${w.p1}&order_id=A-2`, "222", "2026-11-28T00:10:00");
  await fire(`id=${w.p1}`, null, "2026-11-28T00:20:00");
  await fire(`id=${w.p1}`, "111", "2026-11-28T00:30:00");
  await fire(`id=${w.p2}&value=3.25&other=spring`, "444", "2026-11-28T05:00:00");
  await fire(`id=${w.bPixel}`, "111", "2026-11-28T06:00:00");
  // A day later: the sessions have expired, the users sign in again.
  now = at("2026-11-29T12:00:00");
  await w.a.login("alice", "alice has a long password");
  await w.b.login("bob", "bob has a long password");
}

const counts = (
  fires: number,
  view: number,
  click: number,
  viewRevenue: number,
  clickRevenue: number,
  unattributed: number,
) => ({
  fires,
  post_view_convs: view,
  post_click_convs: click,
  post_view_revenue: viewRevenue,
  post_click_revenue: clickRevenue,
  unattributed_fires: unattributed,
});

let w: World;
beforeAll(async () => {
  now = at("2026-11-27T19:00:00");
  w = await createWorld();
  await fireKnownMix(w);
});

describe("GET /report/pixel", () => {
  const report = (query: string) => w.a.get(`/report/pixel?advertiser_id=${w.advertiser}&${query}`);

  it("counts every cell per pixel and UTC day", async () => {
    const answer = await report("start_date=2026-11-27&end_date=2026-11-29");
    expect(answer.status).toBe(200);
    expect(answer.body.response.report).toEqual({
      interval: "day",
      start_date: "2026-11-27 00:00:00",
      end_date: "2026-11-29 00:00:00",
      timezone: "UTC",
      rows: [
        {
          day: "2026-11-27",
          pixel_id: w.p1,
          pixel_name: "=Thank you",
          ...counts(1, 0, 1, 0, 49.9, 0),
        },
        {
          day: "2026-11-28",
          pixel_id: w.p1,
          pixel_name: "=Thank you",
          ...counts(3, 1, 0, 1, 0, 1),
        },
        {
          day: "2026-11-28",
          pixel_id: w.p2,
          pixel_name: "Sign-up, step 2",
          ...counts(1, 0, 1, 0, 3.25, 0),
        },
      ],
      totals: counts(5, 1, 2, 1, 53.15, 1),
    });
  });

  it("groups by the days of the time zone asked for", async () => {
    const newYork = await report(
      "start_date=2026-11-27&end_date=2026-11-29&timezone=America/New_York",
    );
    expect(newYork.body.response.report.rows).toEqual([
      {
        day: "2026-11-27",
        pixel_id: w.p1,
        pixel_name: "=Thank you",
        ...counts(4, 1, 1, 1, 49.9, 1),
      },
      // 05:00 UTC is midnight in New York: the first instant of the 28th.
      {
        day: "2026-11-28",
        pixel_id: w.p2,
        pixel_name: "Sign-up, step 2",
        ...counts(1, 0, 1, 0, 3.25, 0),
      },
    ]);
    expect(newYork.body.response.report.start_date).toBe("2026-11-27 00:00:00");
    const kolkata = await report("start_date=2026-11-28&end_date=2026-11-29&timezone=Asia/Kolkata");
    expect(kolkata.body.response.report.rows).toEqual([
      {
        day: "2026-11-28",
        pixel_id: w.p1,
        pixel_name: "=Thank you",
        ...counts(4, 1, 1, 1, 49.9, 1),
      },
      {
        day: "2026-11-28",
        pixel_id: w.p2,
        pixel_name: "Sign-up, step 2",
        ...counts(1, 0, 1, 0, 3.25, 0),
      },
    ]);
  });

  it("groups by local hours, also where the offset is a half hour (quarter-hour counters)", async () => {
    const answer = await report(
      "interval=hour&start_date=2026-11-28&end_date=2026-11-29&timezone=Asia/Kolkata",
    );
    // Kolkata's 05:00 hour is 23:30–00:30 UTC: it takes the fires of two UTC hours.
    expect(answer.body.response.report.rows).toEqual([
      {
        hour: "2026-11-28 05:00:00",
        pixel_id: w.p1,
        pixel_name: "=Thank you",
        ...counts(3, 1, 1, 1, 49.9, 1),
      },
      {
        hour: "2026-11-28 06:00:00",
        pixel_id: w.p1,
        pixel_name: "=Thank you",
        ...counts(1, 0, 0, 0, 0, 0),
      },
      {
        hour: "2026-11-28 10:00:00",
        pixel_id: w.p2,
        pixel_name: "Sign-up, step 2",
        ...counts(1, 0, 1, 0, 3.25, 0),
      },
    ]);
  });

  it("narrows to pixel_id and to the dates (end_date excluded)", async () => {
    const answer = await report(
      `pixel_id=${w.p2}&start_date=2026-11-27&end_date=2026-11-28 05:00:00`,
    );
    expect(answer.body.response.report.rows).toEqual([]);
    const p1 = await report(
      `pixel_id=${w.p1}&start_date=2026-11-28 00:15:00&end_date=2026-11-28 00:30:00`,
    );
    expect(p1.body.response.report.totals).toEqual(counts(1, 0, 0, 0, 0, 1));
  });

  it("answers CSV with format=csv, formulas defused", async () => {
    const answer = await report("start_date=2026-11-27&end_date=2026-11-29&format=csv");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(answer.body).toBe(
      [
        "day,pixel_id,pixel_name,fires,post_view_convs,post_click_convs,post_view_revenue,post_click_revenue,unattributed_fires",
        `2026-11-27,${w.p1},'=Thank you,1,0,1,0,49.9,0`,
        `2026-11-28,${w.p1},'=Thank you,3,1,0,1,0,1`,
        `2026-11-28,${w.p2},"Sign-up, step 2",1,0,1,0,3.25,0`,
        "",
      ].join("\r\n"),
    );
  });

  it("covers the last 7 days by default and keeps members apart", async () => {
    const mine = await w.a.get("/report/pixel");
    expect(mine.body.response.report).toMatchObject({
      start_date: "2026-11-23 00:00:00",
      end_date: "2026-11-30 00:00:00",
      totals: counts(5, 1, 2, 1, 53.15, 1),
    });
    const theirs = await w.b.get("/report/pixel");
    expect(theirs.body.response.report.totals).toEqual(counts(1, 0, 0, 0, 0, 1));
    expect((await w.b.get(`/report/pixel?pixel_id=${w.p1}`)).status).toBe(404);
    expect((await w.b.get(`/report/pixel?advertiser_id=${w.advertiser}`)).status).toBe(404);
  });

  it.each([
    ["timezone=Mars/Olympus", "timezone"],
    ["start_date=2026-02-30", "start_date"],
    ["start_date=yesterday", "start_date"],
    ["start_date=2026-11-28&end_date=2026-11-28", "end_date"],
    ["start_date=2020-01-01&end_date=2026-01-01", "start_date"],
    ["interval=hour&start_date=2026-09-01", "start_date"],
    ["interval=week", "interval"],
    ["format=xml", "format"],
    ["pixel_id=abc", "pixel_id"],
    ["colour=blue", "colour"],
  ])("answers %s with a SYNTAX error naming %s", async (query, field) => {
    const answer = await w.a.get(`/report/pixel?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body.response).toMatchObject({
      error_id: "SYNTAX",
      error_description: `field: ${field}`,
    });
  });
});

describe("GET /conversion", () => {
  it("lists the counted conversions, newest first, with every field of the row", async () => {
    const answer = await w.a.get(`/conversion?advertiser_id=${w.advertiser}`);
    expect(answer.status).toBe(200);
    const { count, conversions } = answer.body.response;
    expect(count).toBe(3);
    expect(conversions.map((c: { order_id: string }) => c.order_id)).toEqual([null, "A-2", "A-1"]);
    expect(conversions[0]).toEqual({
      id: expect.any(String),
      pixel_id: w.p2,
      advertiser_id: w.advertiser,
      user_id: "444",
      conversion_time: "2026-11-28 05:00:00",
      post_click_or_post_view_conv: "click",
      line_item_id: w.lineItem,
      campaign_id: w.campaign,
      creative_id: 5,
      imp_time: "2026-11-27 22:00:00",
      order_id: null,
      external_data: "spring",
      post_click_or_post_view_revenue: 3.25,
    });
    expect(conversions[1]).toMatchObject({
      user_id: "222",
      post_click_or_post_view_conv: "view",
      post_click_or_post_view_revenue: 1,
    });
  });

  it("filters by pixel, line item and dates (in a time zone), sorts and pages", async () => {
    const ids = async (query: string) =>
      (await w.a.get(`/conversion?${query}`)).body.response.conversions.map(
        (c: { order_id: string | null }) => c.order_id,
      );
    expect(await ids(`pixel_id=${w.p1}`)).toEqual(["A-2", "A-1"]);
    expect(await ids(`line_item_id=${w.lineItem}&sort=conversion_time.asc`)).toEqual([
      "A-1",
      "A-2",
      null,
    ]);
    expect(await ids("line_item_id=999")).toEqual([]);
    expect(await ids("start_date=2026-11-28&end_date=2026-11-28 05:00:00")).toEqual(["A-2"]);
    expect(
      await ids("start_date=2026-11-27&end_date=2026-11-28&timezone=America/New_York"),
    ).toEqual(["A-2", "A-1"]);
    const page = await w.a.get("/conversion?num_elements=1&start_element=1");
    expect(page.body.response).toMatchObject({ count: 3, start_element: 1, num_elements: 1 });
    expect(page.body.response.conversions.map((c: { order_id: string }) => c.order_id)).toEqual([
      "A-2",
    ]);
    expect((await w.a.get("/conversion?sort=colour.asc")).body.response.error_description).toBe(
      "field: sort",
    );
  });

  it("keeps members apart", async () => {
    const theirs = await w.b.get("/conversion");
    expect(theirs.body.response.count).toBe(0);
    expect((await w.b.get(`/conversion?pixel_id=${w.p1}`)).status).toBe(404);
  });

  it("exports the same rows as CSV, every column or those in fields=", async () => {
    const csv = await w.a.get(`/conversion?advertiser_id=${w.advertiser}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const lines = String(csv.body).trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "id,pixel_id,advertiser_id,user_id,conversion_time,post_click_or_post_view_conv,line_item_id,campaign_id,creative_id,imp_time,order_id,external_data,post_click_or_post_view_revenue",
    );
    expect(lines).toHaveLength(4);
    const narrow = await w.a.get(
      `/conversion?advertiser_id=${w.advertiser}&format=csv&fields=order_id,user_id&sort=user_id.asc`,
    );
    expect(String(narrow.body)).toBe("order_id,user_id\r\nA-1,111\r\nA-2,222\r\n,444\r\n");
    const bad = await w.a.get(`/conversion?advertiser_id=${w.advertiser}&format=xml`);
    expect(bad.status).toBe(400);
    expect(bad.body.response.error).toContain("format");
  });

  it("feeds every counted conversion to other systems in commit order, a page at a time, with a cursor", async () => {
    const listed = (await w.a.get("/conversion")).body.response.conversions;
    const seen: unknown[] = [];
    let cursor = "";
    for (let page = 0; page < 10; page++) {
      const answer = await w.a.get(
        `/conversion-feed?num_elements=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(answer.status).toBe(200);
      seen.push(...answer.body.response.conversions);
      cursor = answer.body.response.cursor;
      if (answer.body.response.count === 0) break;
    }
    expect(new Set(seen.map((c) => (c as { id: string }).id)).size).toBe(seen.length);
    expect(seen).toHaveLength(listed.length);
    expect(new Set(seen)).toEqual(new Set(listed));
    // Asking again with the last cursor gives nothing new; another member sees none of them.
    expect((await w.a.get(`/conversion-feed?cursor=${cursor}`)).body.response.conversions).toEqual(
      [],
    );
    const other = (await w.b.get("/conversion-feed")).body.response.conversions as Array<{
      advertiser_id: number;
    }>;
    expect(other.every((c) => c.advertiser_id !== w.advertiser)).toBe(true);
    const bad = await w.a.get("/conversion-feed?cursor=not-a-cursor");
    expect(bad.status).toBe(400);
    expect(bad.body.response.error).toContain("cursor");
  });
});
