import { beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../helpers/api-client.js";
import { twoMembers } from "../helpers/api-world.js";
import { useNodeEdge } from "../helpers/node-edge.js";

// What real AppNexus clients were seen to rely on (SPEC 11, "client details").
const fixture = useNodeEdge(undefined, { resetBeforeEach: false });
let a: ApiClient;

beforeAll(async () => {
  a = (await twoMembers(fixture.edge)).a;
});

/**
 * numberly's client saves a model by sending its fields; after the first save the model holds
 * the whole answer (status, count, dbg_info, the object again under its term), and a second
 * save sends all of that back.
 */
async function saveTwice(path: string, term: string, fields: Record<string, unknown>) {
  const first = await a.post(path, { [term]: fields });
  expect(first.status, JSON.stringify(first.body)).toBe(200);
  const model = { ...fields, ...first.body.response };
  return a.put(`${path.includes("?") ? `${path}&` : `${path}?`}id=${model.id}`, { [term]: model });
}

describe("an object sent back whole", () => {
  it("is saved, its response-only fields ignored with warnings", async () => {
    const advertiser = await saveTwice("/advertiser", "advertiser", { name: "ProStarr" });
    expect(advertiser.status, JSON.stringify(advertiser.body)).toBe(200);
    expect(advertiser.body.response.dbg_info.warnings).toEqual(
      expect.arrayContaining([
        "advertiser.id is read-only and was ignored",
        "advertiser.status is not a field of advertiser and was ignored",
        "advertiser.dbg_info is not a field of advertiser and was ignored",
        "advertiser.advertiser is not a field of advertiser and was ignored",
      ]),
    );
    const advertiserId = advertiser.body.response.id as number;
    const pixel = await saveTwice(`/pixel?advertiser_id=${advertiserId}`, "pixel", {
      name: "Thank you",
      trigger_type: "hybrid",
    });
    expect(pixel.status, JSON.stringify(pixel.body)).toBe(200);
    expect(pixel.body.response.pixel.name).toBe("Thank you");
    const lineItem = await saveTwice(`/line-item?advertiser_id=${advertiserId}`, "line-item", {
      name: "LI",
      pixels: [{ id: pixel.body.response.id }],
    });
    expect(lineItem.status, JSON.stringify(lineItem.body)).toBe(200);
    const campaign = await saveTwice(`/campaign?advertiser_id=${advertiserId}`, "campaign", {
      name: "Spring",
      line_item_id: lineItem.body.response.id,
    });
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(200);
  });

  it("still refuses a field of the wrong type, naming it", async () => {
    const answer = await a.post("/advertiser", { advertiser: { name: 42, color: "red" } });
    expect(answer.status).toBe(400);
    expect(answer.body.response.error).toMatch(/^advertiser\.name: /);
  });
});

describe("dbg_info", () => {
  it("carries the rate limits and the counts used", async () => {
    const answer = await a.get("/advertiser");
    expect(answer.body.response.dbg_info).toMatchObject({
      read_limit: 1000,
      write_limit: 60,
      reads: expect.any(Number),
      writes: expect.any(Number),
      output_term: "advertisers",
    });
  });

  it("names an error's kind in output_term", async () => {
    const missing = await a.get("/advertiser?id=999999");
    expect(missing.body.response).toMatchObject({
      error_id: "NOTFOUND",
      dbg_info: { output_term: "not_found", read_limit: 1000 },
    });
    const bad = await a.get("/advertiser?id=x");
    expect(bad.body.response.dbg_info.output_term).toBe("syntax");
  });
});
