import { describe, expect, it } from "vitest";
import { signUrl } from "../../src/signing/url-signature.js";
import type { ApiClient } from "../helpers/api-client.js";
import { twoMembers } from "../helpers/api-world.js";
import { TEST_SECRET, useNodeEdge } from "../helpers/node-edge.js";

const fixture = useNodeEdge();

/** The seed page's "Add a conversion pixel for advertiser 2" body, with a real piggyback URL. */
const seedPixel = {
  pixel: {
    min_minutes_per_conv: 120,
    name: "ProStarr Post View Pixel 2",
    piggyback_pixels: [{ pixel_type: "img", url: "https://tags.example/p.gif" }],
    post_view_expire_mins: 3600,
    post_view_value: 1,
    state: "active",
    trigger_type: "view",
  },
};

async function world() {
  const w = await twoMembers(fixture.edge);
  const advertiser = (
    await w.a.post("/advertiser", { advertiser: { name: "ProStarr", code: "prostarr" } })
  ).body.response.id as number;
  return { ...w, advertiser };
}

async function fireAs(
  user: string,
  pixelId: number,
  minutesSinceImpression: number,
  advertiser: number,
  lineItem: number,
) {
  const imp = await signUrl(
    TEST_SECRET,
    `https://px.example/imp?adv=${advertiser}&li=${lineItem}&cp=1&cr=1`,
  );
  const edge = fixture.edge;
  await fixture.redis.client.zadd(
    `{u:${user}}:touches:${advertiser}`,
    Date.now() - minutesSinceImpression * 60_000,
    `${Date.now() - minutesSinceImpression * 60_000}:i:${lineItem}:1:1`,
  );
  expect(imp).toContain("sig=");
  const response = await edge.app.request(`https://px.example/px?id=${pixelId}`, {
    headers: { Cookie: `uuid2=${user}` },
  });
  await edge.drain();
  return response;
}

const lastReason = async (pixelId: number) =>
  (await fixture.edge.fireLog.fires(pixelId)).at(-1)?.reason;

async function attach(client: ApiClient, advertiser: number, pixelIds: number[]) {
  const answer = await client.post(`/line-item?advertiser_id=${advertiser}`, {
    "line-item": { name: "Line Item", pixels: pixelIds.map((id) => ({ id })) },
  });
  return answer.body.response.id as number;
}

describe("/pixel", () => {
  it("creates the seed page's pixel with AppNexus defaults and derived fields", async () => {
    const { a, advertiser, memberA } = await world();
    const created = await a.post(`/pixel?advertiser_id=${advertiser}`, seedPixel);
    expect(created.status).toBe(200);
    expect(created.body.response).toMatchObject({
      status: "OK",
      id: expect.any(Number),
      dbg_info: { output_term: "pixel" },
    });
    expect(created.body.response.pixel).toMatchObject({
      ...seedPixel.pixel,
      code: null,
      advertiser_id: advertiser,
      member_id: memberA,
      post_click_expire_mins: null,
      post_click_value: null,
      pixel_conversion_event_id: null,
      pixel_conversion_event: null,
      line_items: null,
      campaigns: null,
    });
    const minimal = await a.post("/pixel?advertiser_code=prostarr", {
      pixel: { name: "Defaults" },
    });
    expect(minimal.body.response.pixel).toMatchObject({
      state: "active",
      trigger_type: "click",
      min_minutes_per_conv: null,
    });
  });

  it("serves all twelve endpoints of the seed page", async () => {
    const { a, advertiser } = await world();
    const id = (
      await a.post(`/pixel?advertiser_id=${advertiser}`, { pixel: { name: "One", code: "one" } })
    ).body.response.id;
    const id2 = (await a.post("/pixel?advertiser_code=prostarr", { pixel: { name: "Two" } })).body
      .response.id;
    const list = (path: string) => a.get(path).then((r) => r.body.response);
    expect((await list("/pixel")).pixels.map((p: { id: number }) => p.id)).toEqual([id, id2]);
    expect((await list(`/pixel?id=${id},${id2}`)).count).toBe(2);
    expect((await list(`/pixel?advertiser_id=${advertiser}`)).count).toBe(2);
    expect((await list("/pixel?advertiser_code=prostarr")).count).toBe(2);
    expect((await list(`/pixel?advertiser_id=${advertiser}&id=${id}`)).pixel.id).toBe(id);
    expect((await list("/pixel?advertiser_code=prostarr&code=one")).pixel.id).toBe(id);
    expect((await list("/pixel/meta")).fields.length).toBeGreaterThan(10);
    const category = await a.put(`/pixel?advertiser_id=${advertiser}&id=${id}`, {
      pixel: { pixel_conversion_event_id: 3 },
    });
    expect(category.body.response.pixel.pixel_conversion_event).toEqual({
      id: 3,
      name: "ItemView",
    });
    const byCode = await a.put("/pixel?advertiser_code=prostarr&code=one", {
      pixel: { name: "Uno" },
    });
    expect(byCode.body.response.pixel).toMatchObject({
      id,
      name: "Uno",
      pixel_conversion_event_id: 3,
    });
    expect(
      (await a.delete(`/pixel?advertiser_id=${advertiser}&id=${id2}`)).body.response,
    ).toMatchObject({ status: "OK", dbg_info: { write_limit: 60 } });
    expect((await a.get(`/pixel?id=${id2}`)).status).toBe(404);
  });

  it.each([
    [{ min_minutes_per_conv: 32768 }, "pixel.min_minutes_per_conv"],
    [{ post_view_expire_mins: 43201 }, "pixel.post_view_expire_mins"],
    [{ post_click_expire_mins: -1 }, "pixel.post_click_expire_mins"],
    [{ pixel_conversion_event_id: 1 }, "pixel.pixel_conversion_event_id"],
    [{ trigger_type: "both" }, "pixel.trigger_type"],
    [
      {
        piggyback_pixels: [
          { pixel_type: "img", url: "https://a.example/1" },
          { pixel_type: "js", url: "https://a.example/2" },
        ],
      },
      "pixel.piggyback_pixels",
    ],
    [
      {
        piggyback_pixels: [
          { pixel_type: "img", url: "https://a.example/1" },
          { pixel_type: "img", url: "https://a.example/2" },
        ],
      },
      "pixel.piggyback_pixels",
    ],
    [
      { piggyback_pixels: [{ pixel_type: "js", url: `https://a.example/${"x".repeat(250)}` }] },
      "pixel.piggyback_pixels.0.url",
    ],
    [
      { piggyback_pixels: [{ pixel_type: "js", url: "javascript:alert(1)" }] },
      "pixel.piggyback_pixels.0.url",
    ],
    [
      { piggyback_pixels: [{ pixel_type: "js", url: "https://a.example/", colour: "red" }] },
      "pixel.piggyback_pixels.0.colour",
    ],
  ])("refuses %j with SYNTAX naming %s", async (fields, field) => {
    const { a, advertiser } = await world();
    const answer = await a.post(`/pixel?advertiser_id=${advertiser}`, {
      pixel: { name: "P", ...fields },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.response.error_id).toBe("SYNTAX");
    expect(answer.body.response.error.startsWith(`${field}: `)).toBe(true);
  });

  it("ignores read-only fields with a warning and appends piggybacks with append=true", async () => {
    const { a, advertiser } = await world();
    const js = (n: number) => ({ pixel_type: "js", url: `https://tags.example/${n}.js` });
    const created = await a.post(`/pixel?advertiser_id=${advertiser}`, {
      pixel: {
        name: "P",
        id: 5,
        line_items: [{ id: 9 }],
        created_on: "2010-01-01 00:00:00",
        piggyback_pixels: [js(1)],
      },
    });
    expect(created.body.response.dbg_info.warnings).toHaveLength(3);
    expect(created.body.response.pixel.line_items).toBeNull();
    const id = created.body.response.id;
    const appended = await a.put(`/pixel?id=${id}&append=true`, {
      pixel: { piggyback_pixels: [js(2)] },
    });
    expect(appended.body.response.pixel.piggyback_pixels).toEqual([js(1), js(2)]);
    const replaced = await a.put(`/pixel?id=${id}`, { pixel: { piggyback_pixels: [js(3)] } });
    expect(replaced.body.response.pixel.piggyback_pixels).toEqual([js(3)]);
  });

  it("derives line_items and refuses to delete a pixel a line item uses", async () => {
    const { a, advertiser } = await world();
    const id = (await a.post(`/pixel?advertiser_id=${advertiser}`, seedPixel)).body.response.id;
    const lineItem = await attach(a, advertiser, [id]);
    expect((await a.get(`/pixel?id=${id}`)).body.response.pixel.line_items).toEqual([
      { id: lineItem, name: "Line Item", state: "active" },
    ]);
    const refused = await a.delete(`/pixel?advertiser_id=${advertiser}&id=${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.response.error_id).toBe("INTEGRITY");
    expect((await a.get(`/pixel?id=${id}`)).status).toBe(200);
    await a.put(`/line-item?id=${lineItem}`, { "line-item": { pixels: [] } });
    expect((await a.delete(`/pixel?advertiser_id=${advertiser}&id=${id}`)).status).toBe(200);
  });

  it("keeps another member's pixels out of sight and out of reach", async () => {
    const { a, b, advertiser } = await world();
    const id = (await a.post(`/pixel?advertiser_id=${advertiser}`, seedPixel)).body.response.id;
    const bAdvertiser = (await b.post("/advertiser", { advertiser: { name: "Other" } })).body
      .response.id;
    expect((await b.get(`/pixel?id=${id}`)).status).toBe(404);
    expect((await b.get("/pixel")).body.response.count).toBe(0);
    expect((await b.get(`/pixel?advertiser_id=${advertiser}`)).status).toBe(404);
    expect((await b.put(`/pixel?id=${id}`, { pixel: { name: "x" } })).status).toBe(404);
    expect((await b.delete(`/pixel?id=${id}`)).status).toBe(404);
    expect((await b.post(`/pixel?advertiser_id=${advertiser}`, seedPixel)).status).toBe(404);
    const attachForeign = await b.post(`/line-item?advertiser_id=${bAdvertiser}`, {
      "line-item": { name: "L", pixels: [{ id }] },
    });
    expect(attachForeign.body.response.error).toMatch(/^line-item\.pixels\.0\.id: /);
  });
});

describe("pixel changes reach the edge", () => {
  it("a fire right after a PUT uses the new windows", async () => {
    const { a, advertiser } = await world();
    const id = (
      await a.post(`/pixel?advertiser_id=${advertiser}`, {
        pixel: { ...seedPixel.pixel, min_minutes_per_conv: 0 },
      })
    ).body.response.id;
    const lineItem = await attach(a, advertiser, [id]);
    await fireAs("9001", id, 30, advertiser, lineItem);
    expect(await lastReason(id)).toBe("counted");

    await a.put(`/pixel?id=${id}`, { pixel: { post_view_expire_mins: 10 } });
    await fireAs("9002", id, 30, advertiser, lineItem);
    expect(await lastReason(id)).toBe("no_touch");

    await a.put(`/line-item?id=${lineItem}`, {
      "line-item": { pixels: [{ id, state: "inactive" }] },
    });
    await fireAs("9003", id, 5, advertiser, lineItem);
    expect(await lastReason(id)).toBe("no_line_item");
  });
});
