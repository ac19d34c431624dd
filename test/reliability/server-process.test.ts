import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../../src/node/free-port.js";
import { pixelDocument } from "../helpers/documents.js";
import { seedPixels } from "../helpers/seed-pixel.js";
import { startServerProcess, until, useProcessScope } from "../helpers/server-process.js";
import { startTestRedis } from "../helpers/test-redis.js";
import { useTestStore } from "../helpers/test-store.js";

// The real server process, as `npm start` runs it: stopped with SIGTERM under load, and killed
// with SIGKILL while its Redis is away.

const FIRES = 200;
const scope = useProcessScope("sigkill");
const { dir, started, redisWithPixel } = scope;
// The servers write one event store, as every server of a deployment would.
const store = useTestStore();

const startServer = (redisUrl: string, port: number) =>
  startServerProcess(
    {
      PORT: String(port),
      REDIS_URL: redisUrl,
      DATABASE_URL: store.url,
      SIGNING_SECRET: "sigkill-test",
      SPOOL_PATH: join(dir, "spool.jsonl"),
    },
    started,
  );

describe("a server killed with SIGKILL while Redis is away", () => {
  it("replays every fire it acknowledged as spooled when it starts again", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = await redisWithPixel();
    const server = await startServer(first.url, port);
    const acknowledged = () =>
      server.lines.filter((l) => l.msg === "spooled").reduce((n, l) => n + Number(l.fires), 0);
    // A first fire puts the pixel's config in the server's cache.
    await (await fetch(`${base}/px?id=37`)).arrayBuffer();
    await until(async () => (await store.events.fires(37)).length === 1, 5000);
    // That first fire may have waited for the store's migrations in the spool: its "spooled"
    // line (written once a second at most) is out before the fires this test counts.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const ackedBefore = acknowledged();

    await first.stop();
    for (let i = 0; i < FIRES; i++) {
      const response = await fetch(`${base}/px?id=37&order_id=k-${i}`, {
        headers: { Cookie: `uuid2=${7000 + (i % 10)}` },
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    await until(() => acknowledged() - ackedBefore === FIRES, 10_000);
    server.child.kill("SIGKILL");
    await new Promise((resolve) => server.child.once("exit", resolve));

    const second = await redisWithPixel();
    const restarted = await startServer(second.url, port);
    expect(restarted.lines.find((l) => l.msg === "spool found")).toMatchObject({
      fires: FIRES,
    });
    const log = store.events;
    await until(async () => (await log.fires(37, { limit: 1000 })).length >= FIRES + 1, 10_000);
    const fires = (await log.fires(37, { limit: 1000 })).filter((f) => f.order_id !== null);
    expect(fires).toHaveLength(FIRES);
    expect(new Set(fires.map((f) => f.order_id))).toEqual(
      new Set(Array.from({ length: FIRES }, (_, i) => `k-${i}`)),
    );
    restarted.child.kill("SIGTERM");
    await new Promise((resolve) => restarted.child.once("exit", resolve));
    expect(restarted.lines.some((l) => l.msg === "spool replayed")).toBe(true);
  }, 60_000);
});

describe("a server stopped with SIGTERM under load", () => {
  it("answers the requests in flight and writes every fire it answered", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const redis = await redisWithPixel();
    const server = await startServer(redis.url, port);
    await (await fetch(`${base}/px?id=37`)).arrayBuffer();
    let answered = 1;
    const requests = Array.from({ length: 300 }, (_, i) =>
      fetch(`${base}/px?id=37&order_id=t-${i}`, { headers: { Cookie: `uuid2=${8000 + i}` } })
        .then(async (response) => {
          await response.arrayBuffer();
          if (response.status === 200) answered++;
        })
        .catch(() => {
          // refused once the server stopped listening: never accepted, nothing to write
        }),
    );
    await until(() => answered > 20, 5000);
    server.child.kill("SIGTERM");
    await Promise.all(requests);
    const code = await new Promise((resolve) => server.child.once("exit", resolve));
    expect(code).toBe(0);
    console.log(`SIGTERM under load: ${answered} of 301 fires answered, all written`);
    expect(answered).toBeGreaterThan(20);
    const fires = await store.events.fires(37, { limit: 1000 });
    expect(fires).toHaveLength(answered);
  }, 60_000);
});

describe("a server whose pixel holds a raw Unicode piggyback URL (stored before SPEC 14)", () => {
  it("redirects to the percent-encoded URL, cached or not, and stays up", async () => {
    const port = await freePort();
    const redis = await startTestRedis();
    scope.afterwards(() => redis.stop());
    await seedPixels(redis.client, [
      pixelDocument({
        piggyback_pixels: [{ pixel_type: "img", url: "https://t.example/p?q=привет" }],
      }),
    ]);
    const server = await startServer(redis.url, port);
    for (const method of ["GET", "GET", "HEAD", "GET"]) {
      const response = await fetch(`http://127.0.0.1:${port}/px?id=37&t=2`, {
        method,
        redirect: "manual",
      });
      await response.arrayBuffer();
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe(
        "https://t.example/p?q=%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82",
      );
    }
    expect(server.child.exitCode).toBeNull();
    server.child.kill("SIGTERM");
    expect(await new Promise((resolve) => server.child.once("exit", resolve))).toBe(0);
  }, 30_000);
});
