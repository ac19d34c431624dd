import { describe, expect, it } from "vitest";
import { ApiClient } from "../helpers/api-client.js";
import { twoMembers } from "../helpers/api-world.js";
import { useNodeEdge } from "../helpers/node-edge.js";

const fixture = useNodeEdge();

const ALICE = "alice has a long password";

describe("DELETE /auth", () => {
  it("revokes the caller's token and only that one", async () => {
    const { a } = await twoMembers(fixture.edge);
    const other = new ApiClient(fixture.edge.app);
    await other.login("alice", ALICE);
    const answer = await a.delete("/auth");
    console.info(
      `DELETE /auth: ${answer.status}; then the token ${(await a.get("/member")).status}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ response: { status: "OK" } });
    expect((await a.get("/member")).status).toBe(401);
    expect((await other.get("/member")).status).toBe(200);
  });

  it("answers 401 without a live token", async () => {
    const client = new ApiClient(fixture.edge.app);
    expect((await client.delete("/auth")).status).toBe(401);
  });
});
