import { describe, expect, it } from "vitest";
import { ensureAdmin } from "../../src/api/objects/users.js";
import { ADMIN, ApiClient } from "../helpers/api-client.js";
import { useNodeEdge } from "../helpers/node-edge.js";

const fixture = useNodeEdge();

/** `curl -b cookies -c cookies -X METHOD -d @file URL`: curl sends -d data as a form. */
async function curl(client: ApiClient, method: string, path: string, file?: string) {
  client.headers["Content-Type"] = "application/x-www-form-urlencoded";
  return client.call(method, path, file);
}

describe("the seed page's curl examples, as written", () => {
  it("logs in, adds the pixel, views it, lists all pixels and sets its conversion event", async () => {
    await ensureAdmin(fixture.edge.api, ADMIN, () => {});
    const setup = new ApiClient(fixture.edge.app);
    await setup.login(ADMIN.username, ADMIN.password);
    const member = (await setup.post("/member", { member: { name: "ProStarr member" } })).body
      .response.id;
    await setup.post("/user", {
      user: { username: "prostarr", password: "prostarr password", member_id: member },
    });
    const advertiser = (
      await setup.post(`/advertiser?member_id=${member}`, { advertiser: { name: "ProStarr" } })
    ).body.response.id;

    const client = new ApiClient(fixture.edge.app);
    const auth = await curl(
      client,
      "POST",
      "/auth",
      '{"auth": {"username": "prostarr", "password": "prostarr password"}}',
    );
    expect(auth.body.response.status).toBe("OK");

    // $ cat pixel  (the seed's body; its stripped piggyback URL filled in)
    const pixel = `{
      "pixel": {
        "min_minutes_per_conv": 120,
        "name": "ProStarr Post View Pixel 2",
        "piggyback_pixels": [{ "pixel_type": "img", "url": "https://tags.example/p.gif" }],
        "post_view_expire_mins": 3600,
        "post_view_value": 1,
        "state": "active",
        "trigger_type": "view"
      }
    }`;
    const added = await curl(client, "POST", `/pixel?advertiser_id=${advertiser}`, pixel);
    expect(added.body.response).toMatchObject({
      status: "OK",
      pixel: { name: "ProStarr Post View Pixel 2", trigger_type: "view" },
    });
    const id = added.body.response.id;

    const viewed = await curl(client, "GET", `/pixel?advertiser_id=${advertiser}&id=${id}`);
    expect(viewed.body.response).toMatchObject({
      status: "OK",
      pixel: { id, advertiser_id: advertiser, min_minutes_per_conv: 120 },
    });

    const all = await curl(client, "GET", "/pixel");
    expect(all.body.response).toMatchObject({
      status: "OK",
      count: 1,
      pixels: [{ id, advertiser_id: advertiser }],
    });

    // $ cat pixel-category
    const category = await curl(
      client,
      "PUT",
      `/pixel?advertiser_id=${advertiser}&id=${id}`,
      '{"pixel": {"pixel_conversion_event_id": 3}}',
    );
    expect(category.body.response).toMatchObject({
      status: "OK",
      count: 1,
      start_element: 0,
      num_elements: 100,
      dbg_info: { output_term: "pixel", warnings: [] },
      pixel: {
        id,
        pixel_conversion_event_id: 3,
        pixel_conversion_event: { id: 3, name: "ItemView" },
        trigger_type: "view",
      },
    });
  });
});
