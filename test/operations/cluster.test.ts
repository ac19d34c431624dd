import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type StartedRedis, startRedisServer } from "../../src/node/find-redis.js";
import { freePort } from "../../src/node/free-port.js";
import { closeRedis, connectRedis } from "../../src/storage/redis/connect.js";
import { pixelDocument } from "../helpers/documents.js";
import { getOnNewConnection } from "../helpers/fresh-connection.js";
import { processTree, running } from "../helpers/process-tree.js";
import { seedPixels } from "../helpers/seed-pixel.js";
import {
  type ServerProcess,
  startServerProcess,
  until,
  useProcessScope,
} from "../helpers/server-process.js";
import { useTestStore } from "../helpers/test-store.js";

// WEB_CONCURRENCY=2 (SPEC 13): two workers on one port, each with its own spool; a worker
// killed while Redis is away is restarted and replays what it had spooled; SIGTERM to the
// primary drains both.

const { dir, started, afterwards } = useProcessScope("cluster");
let redis: StartedRedis | null = null;
afterwards(() => redis?.process.kill());
const store = useTestStore();

/** A redis-server on a fixed port with its data on disk, so it can be stopped and started again. */
async function startRedis(port: number): Promise<StartedRedis> {
  const server = await startRedisServer(port, join(dir, "redis"));
  const client = connectRedis({ url: server.url });
  await seedPixels(client, [pixelDocument({ min_minutes_per_conv: 0 })]);
  await closeRedis(client);
  return server;
}

async function stopRedis(server: StartedRedis): Promise<void> {
  const exited = new Promise((resolve) => server.process.once("exit", resolve));
  server.process.kill("SIGTERM");
  await exited;
}

const workerPid = (server: ServerProcess, worker: number) =>
  server.lines.filter((l) => String(l.msg).startsWith("listening on") && l.worker === worker).at(-1)
    ?.pid as number;

const spooledBy = (server: ServerProcess, worker: number) =>
  server.lines
    .filter((l) => l.msg === "spooled" && l.worker === worker)
    .reduce((n, l) => n + Number(l.fires), 0);

describe("two workers", () => {
  it("lose none of a killed worker's spooled fires, and drain on SIGTERM", async () => {
    const redisPort = await freePort();
    redis = await startRedis(redisPort);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = await startServerProcess(
      {
        PORT: String(port),
        WEB_CONCURRENCY: "2",
        REDIS_URL: redis.url,
        DATABASE_URL: store.url,
        SIGNING_SECRET: "cluster-test",
        SPOOL_PATH: join(dir, "spool.jsonl"),
      },
      started,
    );
    // Each worker caches the pixel's config with a first fire.
    for (let i = 0; i < 4; i++) await getOnNewConnection(`${base}/px?id=37&order_id=warm-${i}`);
    await until(async () => (await store.events.fires(37)).length === 4, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // "spooled" lines come once a second

    await stopRedis(redis);
    const FIRES = 60;
    for (let i = 0; i < FIRES; i++) {
      const answer = await getOnNewConnection(`${base}/px?id=37&order_id=k-${i}`, {
        Cookie: `uuid2=${9000 + (i % 7)}`,
      });
      expect(answer.status).toBe(200);
    }
    // Both workers took fires, and put them on disk.
    await until(() => spooledBy(server, 1) + spooledBy(server, 2) === FIRES, 20_000);
    expect(spooledBy(server, 1)).toBeGreaterThan(0);
    expect(spooledBy(server, 2)).toBeGreaterThan(0);

    const killed = workerPid(server, 1);
    process.kill(killed, "SIGKILL");
    await until(() => workerPid(server, 1) !== killed, 15_000);
    expect(server.lines.find((l) => l.msg === "worker died, restarting it")).toMatchObject({
      worker: 1,
      signal: "SIGKILL",
    });
    // The new worker 1 found its predecessor's spool file.
    await until(() => server.lines.some((l) => l.msg === "spool found" && l.worker === 1), 10_000);

    redis = await startRedis(redisPort);
    await until(
      async () => (await store.events.fires(37, { limit: 1000 })).length >= FIRES + 4,
      20_000,
    );
    const fires = (await store.events.fires(37, { limit: 1000 })).map((f) => f.order_id);
    const wanted = Array.from({ length: FIRES }, (_, i) => `k-${i}`);
    // Every fire once: none lost with the killed worker, none written twice.
    expect(fires.filter((id) => id?.startsWith("k-")).sort()).toEqual(wanted.sort());

    const tree = processTree(server.child.pid as number);
    // The primary and its two workers (and whatever they started, tsx's esbuild say).
    expect(tree).toEqual(
      expect.arrayContaining([server.child.pid, workerPid(server, 1), workerPid(server, 2)]),
    );
    expect(await server.stop()).toBe(0);
    expect(tree.filter(running)).toEqual([]);
    expect(
      server.lines
        .filter((l) => String(l.msg).startsWith("SIGTERM: finishing"))
        .map((l) => l.worker)
        .sort(),
    ).toEqual([1, 2]);
  }, 90_000);
});
