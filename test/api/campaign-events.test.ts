import { describe, expect, it } from "vitest";
import { twoMembers } from "../helpers/api-world.js";
import { useNodeEdge } from "../helpers/node-edge.js";

const now = Date.UTC(2026, 10, 28, 12, 0, 0);
const fixture = useNodeEdge(() => now);

async function world() {
  const w = await twoMembers(fixture.edge);
  const advertiser = (await w.a.post("/advertiser", { advertiser: { name: "ProStarr" } })).body
    .response.id as number;
  const pixel = (
    await w.a.post(`/pixel?advertiser_id=${advertiser}`, {
      pixel: { name: "P", trigger_type: "click" },
    })
  ).body.response.id as number;
  const lineItem = (
    await w.a.post(`/line-item?advertiser_id=${advertiser}`, {
      "line-item": { name: "LI", pixels: [{ id: pixel }] },
    })
  ).body.response.id as number;
  return { ...w, advertiser, pixel, lineItem };
}

describe("/campaign", () => {
  it("holds pixels that are on its line item, and shows up in the pixel's campaigns", async () => {
    const { a, advertiser, pixel, lineItem } = await world();
    const created = await a.post(`/campaign?advertiser_id=${advertiser}`, {
      campaign: { name: "Spring", line_item_id: lineItem, pixels: [{ id: pixel }] },
    });
    expect(created.status).toBe(200);
    const id = created.body.response.id;
    expect((await a.get(`/pixel?id=${pixel}`)).body.response.pixel.campaigns).toEqual([{ id }]);
    const other = (await a.post(`/pixel?advertiser_id=${advertiser}`, { pixel: { name: "Q" } }))
      .body.response.id;
    const refused = await a.put(`/campaign?id=${id}`, { campaign: { pixels: [{ id: other }] } });
    expect(refused.body.response.error).toMatch(/^campaign\.pixels\.0\.id: /);
    const detach = await a.put(`/line-item?id=${lineItem}`, { "line-item": { pixels: [] } });
    expect(detach.status).toBe(409);
  });

  it("grows the pixels of a line item and a campaign with append=true, and empties them with null", async () => {
    const { a, advertiser, pixel, lineItem } = await world();
    const second = (await a.post(`/pixel?advertiser_id=${advertiser}`, { pixel: { name: "Q" } }))
      .body.response.id as number;
    const grown = await a.put(`/line-item?id=${lineItem}&append=true`, {
      "line-item": { pixels: [{ id: second }] },
    });
    expect(grown.body.response["line-item"].pixels.map((p: { id: number }) => p.id)).toEqual([
      pixel,
      second,
    ]);
    const campaign = (
      await a.post(`/campaign?advertiser_id=${advertiser}`, {
        campaign: { name: "C", line_item_id: lineItem, pixels: [{ id: pixel }] },
      })
    ).body.response.id as number;
    const appended = await a.put(`/campaign?id=${campaign}&append=true`, {
      campaign: { pixels: [{ id: second }] },
    });
    expect(appended.body.response.campaign.pixels.map((p: { id: number }) => p.id)).toEqual([
      pixel,
      second,
    ]);
    const emptied = await a.put(`/campaign?id=${campaign}`, { campaign: { pixels: null } });
    expect(emptied.body.response.campaign.pixels).toEqual([]);
    await a.delete(`/campaign?id=${campaign}`);
    const cleared = await a.put(`/line-item?id=${lineItem}`, { "line-item": { pixels: null } });
    expect(cleared.body.response["line-item"].pixels).toEqual([]);
  });

  it("keeps campaigns within their member", async () => {
    const { a, b, advertiser, lineItem } = await world();
    const id = (
      await a.post(`/campaign?advertiser_id=${advertiser}`, {
        campaign: { name: "C", line_item_id: lineItem },
      })
    ).body.response.id;
    expect((await b.get(`/campaign?id=${id}`)).status).toBe(404);
    expect((await b.put(`/campaign?id=${id}`, { campaign: { name: "x" } })).status).toBe(404);
    expect((await b.delete(`/campaign?id=${id}`)).status).toBe(404);
    expect((await b.get(`/line-item?id=${lineItem}`)).status).toBe(404);
    expect((await b.delete(`/line-item?id=${lineItem}`)).status).toBe(404);
    expect((await a.delete(`/campaign?id=${id}`)).status).toBe(200);
  });
});

describe("POST /events", () => {
  it("keeps the good events of a batch, says why the others were refused, and a written click attributes a /px fire", async () => {
    const { a, b, advertiser, lineItem, pixel } = await world();
    const campaign = (
      await a.post(`/campaign?advertiser_id=${advertiser}`, {
        campaign: { name: "C", line_item_id: lineItem },
      })
    ).body.response.id as number;
    const otherLineItem = (
      await a.post(`/line-item?advertiser_id=${advertiser}`, { "line-item": { name: "LI 2" } })
    ).body.response.id as number;
    const otherCampaign = (
      await a.post(`/campaign?advertiser_id=${advertiser}`, {
        campaign: { name: "C 2", line_item_id: otherLineItem },
      })
    ).body.response.id as number;
    const bAdvertiser = (await b.post("/advertiser", { advertiser: { name: "B" } })).body.response
      .id;
    const bLineItem = (
      await b.post(`/line-item?advertiser_id=${bAdvertiser}`, { "line-item": { name: "B LI" } })
    ).body.response.id as number;
    const bCampaign = (
      await b.post(`/campaign?advertiser_id=${bAdvertiser}`, {
        campaign: { name: "B C", line_item_id: bLineItem },
      })
    ).body.response.id as number;
    const event = {
      type: "click",
      user_id: "777",
      advertiser_id: advertiser,
      line_item_id: lineItem,
      campaign_id: campaign,
      creative_id: 9,
    };
    const answer = await a.post("/events", {
      events: [
        { ...event, ts: new Date(now - 60_000).toISOString() },
        { ...event, type: "view", ts: now },
        { ...event, ts: now - 91 * 86_400_000 },
        { ...event, ts: now + 10 * 60_000 },
        { ...event, advertiser_id: bAdvertiser, ts: now },
        { ...event, user_id: "-1", ts: now },
        { ...event, type: "imp", user_id: "778", ts: now - 5_000 },
        // Another member's campaign, and this advertiser's campaign of another line item.
        { ...event, campaign_id: bCampaign, ts: now },
        { ...event, campaign_id: otherCampaign, ts: now },
        // Bounds the store holds: int4 ids, a uuid2 of at most 2^64 − 1.
        { ...event, creative_id: 2 ** 31, ts: now },
        { ...event, campaign_id: 2 ** 53 - 1, ts: now },
        { ...event, user_id: "18446744073709551616", ts: now },
      ],
    });
    expect(answer.body.response).toEqual({
      status: "OK",
      count: 2,
      rejected: [
        { index: 1, error: expect.stringMatching(/^type: /) },
        { index: 2, error: "ts: more than 90 days old" },
        { index: 3, error: "ts: more than 5 minutes in the future" },
        { index: 4, error: `advertiser_id: advertiser ${bAdvertiser} not found` },
        { index: 5, error: expect.stringMatching(/^user_id: /) },
        { index: 7, error: `campaign_id: not a campaign of line item ${lineItem}` },
        { index: 8, error: `campaign_id: not a campaign of line item ${lineItem}` },
        { index: 9, error: "creative_id: must be an id from 1 to 2147483647" },
        { index: 10, error: "campaign_id: must be an id from 1 to 2147483647" },
        { index: 11, error: expect.stringMatching(/^user_id: must be a uuid2 user id/) },
      ],
    });

    await fixture.edge.app.request(`https://px.example/px?id=${pixel}`, {
      headers: { Cookie: "uuid2=777" },
    });
    await fixture.edge.drain();
    expect((await fixture.edge.fireLog.conversions(pixel))[0]).toMatchObject({
      user_id: "777",
      post_click_or_post_view_conv: "click",
      campaign_id: campaign,
      creative_id: 9,
    });
  });

  it("refuses more than 10,000 events and bodies over 4 MB, and is not a write against the limit", async () => {
    const { a, advertiser, lineItem } = await world();
    const e = {
      type: "imp",
      user_id: "1",
      advertiser_id: advertiser,
      line_item_id: lineItem,
      ts: now,
    };
    const tooMany = await a.post("/events", { events: Array.from({ length: 10_001 }, () => e) });
    expect(tooMany.body.response.error).toMatch(/^events: at most 10000/);
    const huge = await a.post("/events", { events: [{ ...e, pad: "x".repeat(5 * 1024 * 1024) }] });
    expect(huge.status).toBe(400);
    expect(huge.body.response.error).toBe("body: is larger than 4 MB");
    const full = await a.post("/events", {
      events: Array.from({ length: 10_000 }, (_, i) => ({ ...e, user_id: String(i + 1) })),
    });
    expect(full.body.response.count).toBe(10_000);
    expect(full.headers.get("x-count-write")).toBeNull();
  });
});
