import { describe, expect, it } from "vitest";
import type { ApiClient } from "../helpers/api-client.js";
import { twoMembers } from "../helpers/api-world.js";
import { useNodeEdge } from "../helpers/node-edge.js";

const fixture = useNodeEdge();

/** Objects of member A, made by A's user. */
async function objectsOfA(a: ApiClient) {
  const advertiser = (await a.post("/advertiser", { advertiser: { name: "A", code: "a-adv" } }))
    .body.response.id;
  const pixel = (
    await a.post(`/pixel?advertiser_id=${advertiser}`, { pixel: { name: "P", code: "a-px" } })
  ).body.response.id;
  const lineItem = (
    await a.post(`/line-item?advertiser_id=${advertiser}`, {
      "line-item": { name: "L", code: "a-li", pixels: [{ id: pixel }] },
    })
  ).body.response.id;
  const campaign = (
    await a.post(`/campaign?advertiser_id=${advertiser}`, {
      campaign: { name: "C", code: "a-cp", line_item_id: lineItem },
    })
  ).body.response.id;
  return { advertiser, pixel, lineItem, campaign };
}

describe("tenancy: member B's user against member A's objects", () => {
  it("finds nothing, changes nothing, deletes nothing, attaches nothing", async () => {
    const { a, b, memberA } = await twoMembers(fixture.edge);
    const o = await objectsOfA(a);
    const bAdvertiser = (await b.post("/advertiser", { advertiser: { name: "B" } })).body.response
      .id;
    const calls: Array<[string, string, unknown?]> = [
      ["GET", `/advertiser?id=${o.advertiser}`],
      ["GET", "/advertiser?code=a-adv"],
      ["PUT", `/advertiser?id=${o.advertiser}`, { advertiser: { name: "x" } }],
      ["DELETE", `/advertiser?id=${o.advertiser}`],
      ["GET", `/pixel?id=${o.pixel}`],
      ["GET", `/pixel?advertiser_id=${o.advertiser}`],
      ["GET", "/pixel?advertiser_code=a-adv&code=a-px"],
      ["POST", `/pixel?advertiser_id=${o.advertiser}`, { pixel: { name: "x" } }],
      ["PUT", `/pixel?id=${o.pixel}`, { pixel: { name: "x" } }],
      ["DELETE", `/pixel?advertiser_id=${o.advertiser}&id=${o.pixel}`],
      ["GET", `/line-item?id=${o.lineItem}`],
      ["GET", `/line-item?advertiser_id=${o.advertiser}`],
      ["POST", `/line-item?advertiser_id=${o.advertiser}`, { "line-item": { name: "x" } }],
      ["PUT", `/line-item?id=${o.lineItem}`, { "line-item": { name: "x" } }],
      ["DELETE", `/line-item?id=${o.lineItem}`],
      ["GET", `/campaign?id=${o.campaign}`],
      [
        "POST",
        `/campaign?advertiser_id=${o.advertiser}`,
        { campaign: { name: "x", line_item_id: o.lineItem } },
      ],
      ["PUT", `/campaign?id=${o.campaign}`, { campaign: { name: "x" } }],
      ["DELETE", `/campaign?id=${o.campaign}`],
      ["GET", `/member?id=${memberA}`],
      ["GET", `/user?member_id=${memberA}`],
      ["GET", `/advertiser?member_id=${memberA}`],
    ];
    for (const [method, path, body] of calls) {
      const answer = await b.call(method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.body.response.error_id, `${method} ${path}`).toBe("NOTFOUND");
    }
    const attach = [
      [
        "POST",
        `/line-item?advertiser_id=${bAdvertiser}`,
        { "line-item": { name: "x", pixels: [{ id: o.pixel }] } },
      ],
      [
        "POST",
        `/campaign?advertiser_id=${bAdvertiser}`,
        { campaign: { name: "x", line_item_id: o.lineItem } },
      ],
    ] as const;
    for (const [method, path, body] of attach)
      expect((await b.call(method, path, body)).status).toBe(400);
    for (const path of ["/advertiser", "/pixel", "/line-item", "/campaign"])
      expect((await b.get(path)).body.response.count, path).toBe(path === "/advertiser" ? 1 : 0);
    expect(
      (await b.get("/user")).body.response.users.map((u: { username: string }) => u.username),
    ).toEqual(["bob"]);
    expect((await b.get("/member")).body.response.count).toBe(1);
    expect((await b.post("/member", { member: { name: "mine" } })).body.response.error_id).toBe(
      "UNAUTH",
    );
    expect(
      (
        await b.post("/user", {
          user: { username: "eve", password: "a long password!", user_type: "admin" },
        })
      ).body.response.error_id,
    ).toBe("UNAUTH");

    // A's objects are as A left them.
    expect((await a.get(`/pixel?id=${o.pixel}`)).body.response.pixel).toMatchObject({
      name: "P",
      line_items: [{ id: o.lineItem }],
    });
    expect((await a.get(`/campaign?id=${o.campaign}`)).body.response.campaign.name).toBe("C");
  });

  it("lets a member's user add users to its own member only", async () => {
    const { b, memberB } = await twoMembers(fixture.edge);
    const created = await b.post("/user", {
      user: { username: "carol", password: "carol's long password", member_id: 1 },
    });
    expect(created.body.response.user).toMatchObject({
      username: "carol",
      user_type: "member",
      member_id: memberB,
    });
    expect(created.body.response.user.password_hash).toBeUndefined();
  });
});
