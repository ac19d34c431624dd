import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { freePort } from "../../src/node/free-port.js";
import { metricSum } from "../helpers/prometheus-text.js";
import {
  type ServerProcess,
  startServerProcess,
  until,
  useProcessScope,
} from "../helpers/server-process.js";

// The real server with a spool it cannot write: a disk that refuses writes once the file has
// grown (a file size limit, `ulimit -f`: EFBIG, as ENOSPC would, and for root too), and a
// SPOOL_PATH under a regular file (mkdir fails with ENOTDIR, as EROFS would; chmod stops no
// root). The event store is a database that does not exist yet, so every fire goes to the spool.

const { dir, started, afterwards, redisWithPixel } = useProcessScope("spool-disk");
const admin = inject("postgresAdminUrl");

/** A database name on the run's cluster, created only when `create` is called. */
function laterDatabase() {
  const name = `px_test_spool_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  afterwards(() => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  return {
    url: url.toString(),
    create: () => run(`CREATE DATABASE ${name}`),
    async fires(): Promise<number> {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return Number((await client.query("SELECT count(*) AS n FROM fires")).rows[0]?.n);
      } catch {
        return -1; // not migrated yet
      } finally {
        await client.end();
      }
    },
  };
}

async function fires(base: string, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    const response = await fetch(`${base}/px?id=37&order_id=d-${i}`, {
      headers: { Cookie: `uuid2=${6000 + (i % 10)}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/gif");
    await response.arrayBuffer();
  }
}

async function readiness(base: string): Promise<{ status: number; spool: string }> {
  const response = await fetch(`${base}/readyz`);
  const body = (await response.json()) as { checks: { spool: string } };
  return { status: response.status, spool: body.checks.spool };
}

/** A /readyz check says what fails in words of its own: no error code, no path. */
function expectNoInternals(check: string): void {
  expect(check).not.toMatch(/E[A-Z]{3,}|\/|spool\.jsonl|Error/);
}

describe("a spool that cannot be written", () => {
  it("a disk that refuses writes: /readyz says the spool fails, the failure is logged once a second, and the fires kept in memory are stored once the store is back", async () => {
    const redis = await redisWithPixel();
    const database = laterDatabase();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let server: ServerProcess | null = null;
    try {
      server = await startServerProcess(
        {
          PORT: String(port),
          REDIS_URL: redis.url,
          DATABASE_URL: database.url,
          SIGNING_SECRET: "spool-disk",
          SPOOL_PATH: join(dir, "limited", "spool.jsonl"),
        },
        started,
        // At most 64 blocks (32 or 64 KB, by the shell) per file this process writes.
        ["/bin/sh", "-c", 'ulimit -f 64 && exec "$0" --import tsx src/server.ts', process.execPath],
      );
      const failures = () =>
        (server?.lines ?? []).filter((line) => line.msg === "spool write failed");
      const startedAt = Date.now();
      let sent = 0;
      // Fires for 3 s, well past what the file may hold.
      while (Date.now() - startedAt < 3000) {
        await fires(base, sent, 20);
        sent += 20;
      }
      await until(() => failures().length > 0, 5000);
      const ready = await readiness(base);
      expect(ready.status).toBe(503);
      expect(ready.spool).toMatch(/^failing: /);
      expectNoInternals(ready.spool);
      // Once a second at most, with the count of what failed since the last line.
      const seconds = (Date.now() - startedAt) / 1000;
      expect(failures().length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
      expect(failures().every((line) => Number(line.times) >= 1)).toBe(true);

      await database.create();
      await until(async () => (await database.fires()) === sent, 30_000);
      await until(async () => (await readiness(base)).status === 200, 10_000);
      expect((await readiness(base)).spool).toBe("ok");
      console.log(
        `spool disk refusing writes: ${sent} fires sent, ${failures().length} 'spool write failed' lines in ${seconds.toFixed(1)} s, all ${sent} stored once the store was back`,
      );
    } finally {
      await server?.stop();
    }
  }, 90_000);

  it("a folder that cannot be made: the server starts and serves, /readyz says the spool is unavailable, what is not kept is logged and counted", async () => {
    const redis = await redisWithPixel();
    const database = laterDatabase();
    const port = await freePort();
    const metricsPort = await freePort();
    const base = `http://127.0.0.1:${port}`;
    writeFileSync(join(dir, "a-file"), "");
    let server: ServerProcess | null = null;
    try {
      server = await startServerProcess(
        {
          PORT: String(port),
          REDIS_URL: redis.url,
          DATABASE_URL: database.url,
          SIGNING_SECRET: "spool-disk",
          SPOOL_PATH: join(dir, "a-file", "spool.jsonl"),
          METRICS_PORT: String(metricsPort),
        },
        started,
      );
      const lines = server.lines;
      expect(lines.some((line) => String(line.msg).startsWith("spool unavailable"))).toBe(true);
      await fires(base, 0, 30);
      const ready = await readiness(base);
      expect(ready.status).toBe(503);
      expect(ready.spool).toMatch(/^unavailable: /);
      expectNoInternals(ready.spool);
      // The store is away too: those 30 are lost, and said to be.
      const notRecorded = () =>
        lines
          .filter((line) => line.msg === "spool unavailable: not recorded")
          .reduce((n, line) => n + Number(line.fires), 0);
      await until(() => notRecorded() === 30, 5000);
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metricSum(metrics, "px_not_recorded_total", { kind: "fire" })).toBe(30);

      // With the store there, it serves as any server does.
      await database.create();
      // Ready once migrated and its objects are in place (tables exist a moment before).
      const storeReady = async () =>
        ((await (await fetch(`${base}/readyz`)).json()) as { checks: { store: string } }).checks
          .store === "ok";
      await until(storeReady, 30_000);
      await fires(base, 30, 10);
      await until(async () => (await database.fires()) === 10, 10_000);
    } finally {
      await server?.stop();
    }
  }, 90_000);
});
