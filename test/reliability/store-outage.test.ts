import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../src/node/free-port.js";
import { RedisTouchStore } from "../../src/storage/redis/redis-touch-store.js";
import { migrate } from "../../src/storage/sql/migrate.js";
import { pgClient } from "../../src/storage/sql/pg-client.js";
import { pixelDocument, touchOf } from "../helpers/documents.js";
import { type PrivatePostgres, startPrivatePostgres } from "../helpers/private-postgres.js";
import { seedObjects } from "../helpers/seed-pixel.js";
import {
  type ServerProcess,
  startServerProcess,
  until,
  useProcessScope,
} from "../helpers/server-process.js";
import { startTestRedis, type TestRedis } from "../helpers/test-redis.js";

// The real server with its own PostgreSQL, which the test stops before the server starts and
// kills (as a crash would) and restarts under load: the edge keeps answering, the API answers
// 503, and every fire answered is stored exactly once.

const USERS = Array.from({ length: 50 }, (_, i) => String(7100 + i));
const LOAD_FIRES = 1500;
const { dir, started, afterwards } = useProcessScope("store-outage");
let postgres: PrivatePostgres;
let redis: TestRedis;
let server: ServerProcess;
let base = "";
let databaseUrl = "";

async function count(query: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return Number((await client.query(query)).rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}
const storedFires = () => count("SELECT count(*) AS n FROM fires").catch(() => -1);

beforeAll(async () => {
  postgres = await startPrivatePostgres();
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query("CREATE DATABASE events");
  await admin.end();
  databaseUrl = postgres.url.replace(/\/postgres$/, "/events");
  redis = await startTestRedis();
  // Member 1's objects in the store (the API reads them), and their copies in Redis (the edge
  // reads those while the store is away).
  const sql = pgClient(databaseUrl, () => {});
  try {
    await migrate(sql);
    await seedObjects(sql, redis.client, [pixelDocument({ min_minutes_per_conv: null })]);
  } finally {
    await sql.close();
  }
  await new RedisTouchStore(redis.client).record(
    USERS.map((user) => touchOf("click", user, Date.now() - 60_000)),
  );
}, 60_000);
afterwards(() => postgres?.destroy());
afterwards(() => redis?.stop());
// Run before the scope's: a server still running is stopped by SIGTERM, as an operator would.
afterAll(async () => {
  await server?.stop();
});

describe("PostgreSQL away", () => {
  it("at start: the server listens, answers fires, reports 503, and stores them once it is back", async () => {
    await postgres.stop("fast");
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await startServerProcess(
      {
        PORT: String(port),
        REDIS_URL: redis.url,
        DATABASE_URL: databaseUrl,
        SIGNING_SECRET: "store-outage",
        SPOOL_PATH: join(dir, "spool.jsonl"),
      },
      started,
    );
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${base}/px?id=37`, {
        headers: { Cookie: `uuid2=${9000 + i}` },
      });
      expect(response.status).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBe(43);
    }
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect((await ready.json()).checks.store).toBe("unavailable");

    // Users are in the store too (SPEC 15): while it is away, signing in answers 503 as well.
    const login = () =>
      fetch(`${base}/auth`, {
        method: "POST",
        body: JSON.stringify({
          auth: { username: "admin", password: "a long enough admin password" },
        }),
      });
    const away = await login();
    expect(away.status).toBe(503);
    expect(away.headers.get("retry-after")).toBe("5");
    expect((await away.json()).response).toMatchObject({ status: "error", error_id: "SYSTEM" });

    await postgres.start();
    await until(async () => (await storedFires()) === 20, 20_000);
    await until(async () => (await fetch(`${base}/readyz`)).status === 200, 10_000);
    // The admin is made once the store is back.
    let token = "";
    await until(async () => {
      token = (await (await login()).json()).response?.token ?? "";
      return token !== "";
    }, 10_000);
    const after = await fetch(`${base}/conversion?member_id=1`, {
      headers: { Authorization: token },
    });
    expect(after.status).toBe(200);
    await after.arrayBuffer();
  }, 60_000);

  it("killed and restarted under load: every fire answered is stored once, conversions counted once", async () => {
    const before = await storedFires();
    let sent = 0;
    let answered = 0;
    let slowestMs = 0;
    const send = async () => {
      while (sent < LOAD_FIRES) {
        const i = sent++;
        const t = Date.now();
        const response = await fetch(`${base}/px?id=37&order_id=L-${i}`, {
          headers: { Cookie: `uuid2=${USERS[i % USERS.length]}` },
        });
        await response.arrayBuffer();
        slowestMs = Math.max(slowestMs, Date.now() - t);
        if (response.status === 200) answered++;
      }
    };
    const load = Promise.all(Array.from({ length: 10 }, send));
    await until(() => sent > LOAD_FIRES / 4, 20_000);
    await postgres.stop("immediate"); // as a crash: no checkpoint, connections cut
    const killedAt = sent;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const duringOutage = sent - killedAt;
    await postgres.start();
    await load;
    expect(answered).toBe(LOAD_FIRES);

    const total = before + LOAD_FIRES;
    await until(async () => (await storedFires()) >= total, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 500)); // nothing more arrives late
    const fires = await count("SELECT count(*) AS n FROM fires");
    const distinct = await count("SELECT count(DISTINCT id) AS n FROM fires");
    const loadFires = await count("SELECT count(*) AS n FROM fires WHERE order_id LIKE 'L-%'");
    const conversions = await count("SELECT count(*) AS n FROM conversions");
    const counted = await count("SELECT sum(post_click_convs) AS n FROM report_quarters");
    const spooled = server.lines.filter(
      (l) => l.msg === "store failed, spooling" || l.msg === "write failed, spooling",
    );
    console.log(
      `PostgreSQL killed under load: ${LOAD_FIRES} fires, ${duringOutage} sent during the 2 s outage, slowest answer ${slowestMs} ms, ` +
        `${spooled.length} spool notices; stored ${loadFires} of ${LOAD_FIRES} (${fires - distinct} doubled), ${conversions} conversions for ${USERS.length} users`,
    );
    expect(duringOutage).toBeGreaterThan(0);
    expect(spooled.length).toBeGreaterThan(0);
    expect(fires).toBe(total);
    expect(distinct).toBe(total);
    expect(loadFires).toBe(LOAD_FIRES);
    // One conversion per user (min_minutes_per_conv null), in the log and in the aggregates.
    expect(conversions).toBe(USERS.length);
    expect(counted).toBe(USERS.length);
  }, 90_000);

  it("read-only: writes are spooled, /readyz says so, and everything is stored once it is writable", async () => {
    const before = await storedFires();
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    // New sessions of the database are read-only (as a replica, or a store out of disk would
    // refuse writes); the server's pool reconnects into that.
    const reconnect = () =>
      admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'events' AND pid <> pg_backend_pid()",
      );
    try {
      await admin.query("ALTER DATABASE events SET default_transaction_read_only = on");
      await reconnect();
      for (let i = 0; i < 100; i++) {
        const response = await fetch(`${base}/px?id=37&order_id=R-${i}`, {
          headers: { Cookie: `uuid2=${9500 + i}` },
        });
        expect(response.status).toBe(200);
        await response.arrayBuffer();
      }
      await until(async () => {
        const ready = await fetch(`${base}/readyz`);
        const body = await ready.json();
        // Which state, not the error's text (read-only, SQL): /readyz is public.
        return ready.status === 503 && body.checks.store === "writes failing";
      }, 10_000);
      expect(await storedFires()).toBe(before);
      await admin.query("ALTER DATABASE events SET default_transaction_read_only = off");
      await reconnect();
      await until(async () => (await storedFires()) === before + 100, 20_000);
      await until(async () => (await fetch(`${base}/readyz`)).status === 200, 10_000);
    } finally {
      await admin.query("ALTER DATABASE events SET default_transaction_read_only = off");
      await admin.end();
    }
    expect(await count("SELECT count(DISTINCT id) AS n FROM fires WHERE order_id LIKE 'R-%'")).toBe(
      100,
    );
  }, 60_000);
});
