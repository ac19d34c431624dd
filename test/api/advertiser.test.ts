import { describe, expect, it } from "vitest";
import { twoMembers } from "../helpers/api-world.js";
import { useNodeEdge } from "../helpers/node-edge.js";

const fixture = useNodeEdge();
const advertiser = { name: "ProStarr", code: "prostarr", redirect_domains: ["shop.example"] };

describe("/advertiser", () => {
  it("creates, reads by id and by code, changes and deletes an advertiser", async () => {
    const { a, memberA } = await twoMembers(fixture.edge);
    const created = await a.post("/advertiser", { advertiser });
    expect(created.status).toBe(200);
    const id = created.body.response.id;
    expect(created.body.response.advertiser).toMatchObject({
      ...advertiser,
      id,
      state: "active",
      member_id: memberA,
    });
    expect(created.body.response.advertiser.created_on).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    const byId = await a.get(`/advertiser?id=${id}`);
    expect(byId.body.response).toMatchObject({
      status: "OK",
      count: 1,
      advertiser: { id },
      dbg_info: { output_term: "advertiser" },
    });
    expect((await a.get("/advertiser?code=prostarr")).body.response.advertiser.id).toBe(id);

    const changed = await a.put(`/advertiser?id=${id}`, {
      advertiser: { name: "ProStarr Inc", id: 999, created_on: "x" },
    });
    expect(changed.body.response.advertiser).toMatchObject({
      id,
      name: "ProStarr Inc",
      code: "prostarr",
    });
    expect(changed.body.response.dbg_info.warnings).toEqual([
      "advertiser.id is read-only and was ignored",
      "advertiser.created_on is read-only and was ignored",
    ]);

    expect((await a.delete(`/advertiser?id=${id}`)).body.response).toMatchObject({
      status: "OK",
      dbg_info: { write_limit: 60 },
    });
    expect((await a.get(`/advertiser?id=${id}`)).status).toBe(404);
  });

  it("never lets a member see, change or delete another member's advertiser", async () => {
    const { a, b } = await twoMembers(fixture.edge);
    const id = (await a.post("/advertiser", { advertiser })).body.response.id;
    const notFound = { status: "error", error_id: "NOTFOUND" };
    expect((await b.get(`/advertiser?id=${id}`)).body.response).toMatchObject(notFound);
    expect((await b.get("/advertiser?code=prostarr")).status).toBe(404);
    expect((await b.get("/advertiser")).body.response).toMatchObject({ count: 0, advertisers: [] });
    expect(
      (await b.put(`/advertiser?id=${id}`, { advertiser: { name: "mine" } })).body.response,
    ).toMatchObject(notFound);
    expect((await b.delete(`/advertiser?id=${id}`)).body.response).toMatchObject(notFound);
    expect((await b.get(`/advertiser?id=${id}&member_id=1`)).status).toBe(404);
    expect((await a.get(`/advertiser?id=${id}`)).body.response.advertiser.name).toBe("ProStarr");
  });

  it("lets an admin act for a member it names", async () => {
    const { admin, memberA } = await twoMembers(fixture.edge);
    const unnamed = await admin.post("/advertiser", { advertiser });
    expect(unnamed.body.response).toMatchObject({
      error_id: "SYNTAX",
      error: expect.stringMatching(/^member_id: /),
    });
    const named = await admin.post(`/advertiser?member_id=${memberA}`, { advertiser });
    expect(named.body.response.advertiser.member_id).toBe(memberA);
  });

  it.each([
    [{ advertiser: { ...advertiser, name: 7 } }, "advertiser.name"],
    [
      { advertiser: { ...advertiser, redirect_domains: ["not a host"] } },
      "advertiser.redirect_domains.0",
    ],
    [{ advertiser: { ...advertiser, state: "paused" } }, "advertiser.state"],
    [{ pixel: advertiser }, "advertiser"],
    [[1, 2], "advertiser"],
  ])("answers %j with SYNTAX naming %s", async (body, field) => {
    const { a } = await twoMembers(fixture.edge);
    const answer = await a.post("/advertiser", body);
    expect(answer.status).toBe(400);
    expect(answer.body.response).toMatchObject({ status: "error", error_id: "SYNTAX" });
    expect(answer.body.response.error.startsWith(`${field}: `)).toBe(true);
  });

  it("ignores a field an advertiser does not have, with a warning (SPEC 11)", async () => {
    const { a } = await twoMembers(fixture.edge);
    const answer = await a.post("/advertiser", { advertiser: { ...advertiser, colour: "red" } });
    expect(answer.status).toBe(200);
    expect(answer.body.response.advertiser.colour).toBeUndefined();
    expect(answer.body.response.dbg_info.warnings).toEqual([
      "advertiser.colour is not a field of advertiser and was ignored",
    ]);
  });

  it("refuses a code another advertiser of the member uses", async () => {
    const { a, b } = await twoMembers(fixture.edge);
    await a.post("/advertiser", { advertiser });
    expect((await a.post("/advertiser", { advertiser })).body.response.error).toMatch(
      /^advertiser\.code: /,
    );
    expect((await b.post("/advertiser", { advertiser })).status).toBe(200);
  });

  it("pages, sorts, filters and projects lists, and refuses what meta does not allow", async () => {
    const { a } = await twoMembers(fixture.edge);
    for (const name of ["Delta", "alpha", "Charlie", "bravo"])
      await a.post("/advertiser", { advertiser: { name } });
    const sorted = await a.get(
      "/advertiser?sort=name.desc&num_elements=2&start_element=1&fields=name",
    );
    expect(sorted.body.response).toMatchObject({
      count: 4,
      start_element: 1,
      num_elements: 2,
      advertisers: [{ name: "alpha" }, { name: "Delta" }],
    });
    expect(
      (await a.get("/advertiser?like_name=ar")).body.response.advertisers.map(
        (x: { name: string }) => x.name,
      ),
    ).toEqual(["Charlie"]);
    for (const [query, field] of [
      ["num_elements=101", "num_elements"],
      ["sort=redirect_domains.asc", "sort"],
      ["member_id_x=1", "member_id_x"],
      ["fields=colour", "fields"],
      ["start_element=-1", "start_element"],
    ]) {
      const answer = await a.get(`/advertiser?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body.response.error.startsWith(`${field}`)).toBe(true);
    }
  });
});
