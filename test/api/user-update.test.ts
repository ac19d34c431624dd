import { describe, expect, it } from "vitest";
import { ApiClient } from "../helpers/api-client.js";
import { twoMembers } from "../helpers/api-world.js";
import { useNodeEdge } from "../helpers/node-edge.js";

const fixture = useNodeEdge();

const ALICE = "alice has a long password";

/** The id of a user, as an admin sees it. */
async function userId(admin: ApiClient, username: string): Promise<number> {
  const users = (await admin.get("/user")).body.response.users as {
    id: number;
    username: string;
  }[];
  return users.find((u) => u.username === username)?.id ?? 0;
}

describe("PUT /user", () => {
  it("a password change revokes that user's tokens, not others'", async () => {
    const { admin, a, b } = await twoMembers(fixture.edge);
    const second = new ApiClient(fixture.edge.app);
    await second.login("alice", ALICE);
    const id = await userId(admin, "alice");
    const change = await admin.put(`/user?id=${id}`, {
      user: { password: "alice's brand new password" },
    });
    const after = [a, second, b, admin].map((c) => c.get("/member"));
    const statuses = (await Promise.all(after)).map((r) => r.status);
    console.info(`PUT /user: ${change.status}; then alice x2, bob, admin: ${statuses.join(",")}`);
    expect(change.status).toBe(200);
    expect(change.body.response.user).toMatchObject({ id, username: "alice", state: "active" });
    expect(change.body.response.user.password_hash).toBeUndefined();
    expect(statuses).toEqual([401, 401, 200, 200]);
    const login = new ApiClient(fixture.edge.app);
    expect((await login.login("alice", ALICE)).status).toBe(401);
    expect((await login.login("alice", "alice's brand new password")).status).toBe(200);
  });

  it("lets a user change their own password, not another's", async () => {
    const { admin, a } = await twoMembers(fixture.edge);
    const bob = await userId(admin, "bob");
    const alice = await userId(admin, "alice");
    expect(
      (await a.put(`/user?id=${bob}`, { user: { password: "a new password for bob" } })).status,
    ).toBe(404);
    const own = await a.put(`/user?id=${alice}`, {
      user: { password: "alice changed it herself" },
    });
    expect(own.status).toBe(200);
    expect((await a.get("/member")).status).toBe(401);
  });
});

describe("disabled users", () => {
  it("cannot log in, and their tokens stop working", async () => {
    const { admin, a, b } = await twoMembers(fixture.edge);
    const id = await userId(admin, "alice");
    const disable = await admin.put(`/user?id=${id}`, { user: { state: "inactive" } });
    const token = (await a.get("/member")).status;
    const refused = await new ApiClient(fixture.edge.app).login("alice", ALICE);
    const login = refused.status;
    console.info(`PUT state inactive: ${disable.status}; alice's token ${token}, login ${login}`);
    expect(disable.status).toBe(200);
    expect(disable.body.response.user.state).toBe("inactive");
    expect(token).toBe(401);
    expect(login).toBe(401);
    expect(refused.body.response.error).toBe("Authentication failed: this user is inactive");
    expect((await b.get("/member")).status).toBe(200);
    await admin.put(`/user?id=${id}`, { user: { state: "active" } });
    expect((await new ApiClient(fixture.edge.app).login("alice", ALICE)).status).toBe(200);
  });

  it("an admin cannot disable itself", async () => {
    const { admin } = await twoMembers(fixture.edge);
    const id = await userId(admin, "root");
    expect((await admin.put(`/user?id=${id}`, { user: { state: "inactive" } })).status).toBe(400);
    expect((await admin.get("/member")).status).toBe(200);
  });

  it("only an admin may disable a user", async () => {
    const { admin, a } = await twoMembers(fixture.edge);
    const id = await userId(admin, "alice");
    const answer = await a.put(`/user?id=${id}`, { user: { state: "inactive" } });
    expect(answer.status).toBe(403);
    expect((await a.get("/member")).status).toBe(200);
  });
});
