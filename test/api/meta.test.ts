import { describe, expect, it } from "vitest";
import type { ApiClient } from "../helpers/api-client.js";
import { twoMembers } from "../helpers/api-world.js";
import { useNodeEdge } from "../helpers/node-edge.js";

const fixture = useNodeEdge();

interface Field {
  name: string;
  type: string;
  sort_by: boolean;
  filter_by: boolean;
}

const sample = (f: Field) =>
  f.type === "int" || f.type === "double"
    ? "1"
    : f.type === "timestamp"
      ? "2026-01-01 00:00:00"
      : "x";

/** Every field meta lists: filtering by it works exactly when filter_by, sorting exactly when sort_by. */
async function checkMeta(client: ApiClient, service: string) {
  const meta = await client.get(`${service}/meta`);
  expect(meta.body.response.status).toBe("OK");
  const fields = meta.body.response.fields as Field[];
  expect(fields.length).toBeGreaterThan(3);
  for (const f of fields) {
    // `min_<name>` for fields whose plain name the service reads itself (id, code, scope).
    const param = ["id", "code", "pixel_id", "advertiser_id"].includes(f.name)
      ? `min_${f.name}`
      : f.name;
    const filtered = await client.get(`${service}?${param}=${encodeURIComponent(sample(f))}`);
    expect(filtered.status, `${service} filter ${f.name}`).toBe(f.filter_by ? 200 : 400);
    if (f.filter_by && f.type === "string") {
      const like = await client.get(`${service}?like_${f.name}=x`);
      expect(like.status, `${service} like_${f.name}`).toBe(200);
    }
    const sorted = await client.get(`${service}?sort=${f.name}.desc`);
    expect(sorted.status, `${service} sort ${f.name}`).toBe(f.sort_by ? 200 : 400);
  }
}

describe("meta tells the truth", () => {
  it.each(["/advertiser", "/line-item", "/campaign", "/pixel", "/user", "/member", "/conversion"])(
    "for %s: every field it lists filters and sorts exactly as it says",
    async (service) => {
      const { a } = await twoMembers(fixture.edge);
      const advertiser = (await a.post("/advertiser", { advertiser: { name: "A" } })).body.response
        .id;
      const pixel = (await a.post(`/pixel?advertiser_id=${advertiser}`, { pixel: { name: "P" } }))
        .body.response.id;
      const lineItem = (
        await a.post(`/line-item?advertiser_id=${advertiser}`, {
          "line-item": { name: "L", pixels: [{ id: pixel }] },
        })
      ).body.response.id;
      await a.post(`/campaign?advertiser_id=${advertiser}`, {
        campaign: { name: "C", line_item_id: lineItem },
      });
      await checkMeta(a, service);
    },
  );
});
