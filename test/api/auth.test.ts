import { describe, expect, it } from "vitest";
import { ensureAdmin } from "../../src/api/objects/users.js";
import { ADMIN, ApiClient } from "../helpers/api-client.js";
import { useNodeEdge } from "../helpers/node-edge.js";

let now = Date.UTC(2026, 10, 28, 12, 0, 0);
const fixture = useNodeEdge(() => now);

async function withAdmin() {
  await ensureAdmin(fixture.edge.api, ADMIN, () => {});
  return new ApiClient(fixture.edge.app);
}

describe("POST /auth", () => {
  it("answers a token and sets it as an HttpOnly cookie that then authenticates", async () => {
    const client = await withAdmin();
    const login = await client.login(ADMIN.username, ADMIN.password);
    expect(login.status).toBe(200);
    expect(login.body.response).toMatchObject({
      status: "OK",
      token: expect.stringMatching(/^[0-9a-f]{48}$/),
    });
    expect(login.headers.get("set-cookie")).toMatch(
      /^token=[0-9a-f]{48}; Max-Age=86400; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect((await client.get("/member")).status).toBe(200);
  });

  it("accepts the token in the Authorization header, with or without Bearer", async () => {
    const client = await withAdmin();
    const { token } = (await client.login(ADMIN.username, ADMIN.password)).body.response;
    for (const header of [token, `Bearer ${token}`]) {
      const bare = new ApiClient(fixture.edge.app);
      bare.headers.Authorization = header;
      expect((await bare.get("/member")).status).toBe(200);
    }
  });

  it("refuses a wrong password or user alike, in the error envelope", async () => {
    const client = await withAdmin();
    for (const [user, password] of [
      [ADMIN.username, "wrong"],
      ["nobody", ADMIN.password],
    ] as const) {
      const answer = await client.login(user, password);
      expect(answer.status).toBe(401);
      expect(answer.body.response).toMatchObject({
        status: "error",
        error_id: "NOAUTH",
        error: "Authentication failed: wrong username or password",
      });
    }
  });

  it("answers 401 NOAUTH without a token, with an unknown one, and after 24 hours", async () => {
    const client = await withAdmin();
    expect((await client.get("/member")).body.response.error_id).toBe("NOAUTH");
    client.headers.Authorization = "0123";
    expect((await client.get("/member")).status).toBe(401);
    delete client.headers.Authorization;
    await client.login(ADMIN.username, ADMIN.password);
    expect((await client.get("/member")).status).toBe(200);
    now += 24 * 3_600_000;
    expect((await client.get("/member")).status).toBe(401);
  });

  it("keeps a token alive for 2 hours after its last use", async () => {
    const client = await withAdmin();
    const { token } = (await client.login(ADMIN.username, ADMIN.password)).body.response;
    const tokenKeys = await fixture.redis.client.keys("token:*");
    expect(tokenKeys).toHaveLength(1);
    expect(tokenKeys[0]).not.toContain(token);
    await fixture.redis.client.pexpire(tokenKeys[0] ?? "", 1000);
    await client.get("/member");
    expect(await fixture.redis.client.pttl(tokenKeys[0] ?? "")).toBeGreaterThan(7_190_000);
  });

  it("throttles: 10 logins per user per 5 minutes, then 429 with Retry-After", async () => {
    const client = await withAdmin();
    for (let i = 0; i < 10; i++)
      expect((await client.login(ADMIN.username, ADMIN.password)).status).toBe(200);
    const refused = await client.login(ADMIN.username, ADMIN.password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.body.response).toMatchObject({
      error_id: "SYSTEM",
      error_code: "RATE_EXCEEDED",
    });
  });

  it("answers malformed bodies with SYNTAX naming the field", async () => {
    const client = new ApiClient(fixture.edge.app);
    const notJson = await client.post("/auth", "{not json");
    expect(notJson.status).toBe(400);
    expect(notJson.body.response.error_id).toBe("SYNTAX");
    const wrongType = await client.post("/auth", { auth: { username: 5, password: "x" } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.response.error).toMatch(/^auth\.username: /);
  });
});

describe("the admin bootstrap", () => {
  it("stores only a salted slow hash of the password", async () => {
    await ensureAdmin(fixture.edge.api, ADMIN, () => {});
    // Read from the users table itself, every column of the row.
    const [row] = await fixture.edge.store.sql.query<Record<string, unknown>>(
      "SELECT * FROM users WHERE lower(username) = lower($1)",
      [ADMIN.username],
    );
    expect(JSON.stringify(row)).not.toContain(ADMIN.password);
    expect(row?.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it("creates an admin with a random password, announced once, when none is configured", async () => {
    const logins: Array<{ username: string; password: string }> = [];
    const keep = (login: { username: string; password: string }) => void logins.push(login);
    await ensureAdmin(fixture.edge.api, { username: null, password: null }, keep);
    await ensureAdmin(fixture.edge.api, { username: null, password: null }, keep);
    expect(logins).toHaveLength(1);
    const [login] = logins;
    expect(login?.username).toBe("admin");
    expect(
      (await new ApiClient(fixture.edge.app).login("admin", login?.password ?? "")).status,
    ).toBe(200);
  });

  it("updates the configured admin's password at start", async () => {
    await ensureAdmin(fixture.edge.api, ADMIN, () => {});
    await ensureAdmin(fixture.edge.api, { ...ADMIN, password: "a brand new passphrase" }, () => {});
    const client = new ApiClient(fixture.edge.app);
    expect((await client.login(ADMIN.username, ADMIN.password)).status).toBe(401);
    expect((await client.login(ADMIN.username, "a brand new passphrase")).status).toBe(200);
  });
});

describe("failed logins", () => {
  it("slow the next attempts from that address down: none for 3, then doubling from 250 ms up to 4 s", async () => {
    const { RedisLoginThrottle } = await import("../../src/storage/redis/redis-login-throttle.js");
    const throttle = new RedisLoginThrottle(fixture.redis.client, () => now);
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const ticket = await throttle.reserve("mallory", "192.0.2.1");
      if (!ticket.allowed) throw new Error("refused");
      delays.push(ticket.delayMs);
      await throttle.settle(ticket, "fail");
    }
    expect(delays).toEqual([0, 0, 0, 250, 500, 1000, 2000, 4000, 4000]);
    expect(await throttle.reserve("someone-else", "192.0.2.1")).toMatchObject({ delayMs: 0 });
    expect(await throttle.reserve("mallory", "192.0.2.2")).toMatchObject({ delayMs: 0 });
  });
});
