// `npx tsx bench/redis-bytes.ts`: what a fire leaves in Redis RAM now that the fire log, the
// conversion log and the conversion stream live in the event store: used_memory before and
// after thousands of unattributed fires, then of counted conversions (one new user each, the
// costliest case: a new repeat-state key). Figures go to bench/results/redis-bytes.json.
import { readConfig } from "../src/config.js";
import { startRedisServer } from "../src/node/find-redis.js";
import { freePort } from "../src/node/free-port.js";
import { createNodeRuntime } from "../src/node/node-runtime.js";
import { openStore } from "../src/node/open-store.js";
import { closeRedis, connectRedis, type RedisClient } from "../src/storage/redis/connect.js";
import { touchOf } from "../test/helpers/documents.js";
import { startPrivatePostgres } from "../test/helpers/private-postgres.js";
import { seedPixelAndTouches } from "../test/helpers/seed-pixel.js";
import { stopProcess } from "./processes.js";
import { writeResults } from "./results.js";

const FIRES = Number(process.env.BENCH_FIRES || 5000);

async function usedMemory(redis: RedisClient): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info("memory"))?.[1] ?? 0);
}

const redisServer = await startRedisServer(await freePort(), null);
const redis = connectRedis({ url: redisServer.url });
const postgres = await startPrivatePostgres();
const config = readConfig({ SIGNING_SECRET: "bench", DATABASE_URL: postgres.url });
const store = await openStore(config, () => {}, Date.now);
await store.ready;
const edge = await createNodeRuntime(config, redis, store, () => {});
try {
  const now = Date.now();
  const converting = Array.from({ length: FIRES }, (_, i) => String(5_000_000_000_000 + i));
  await seedPixelAndTouches(
    redis,
    { min_minutes_per_conv: 0 },
    converting.map((user) => touchOf("click", user, now - 60_000)),
  );
  const fire = (user: string, order: string) =>
    edge.app.request(`https://px.example/px?id=37&order_id=${order}`, {
      headers: { Cookie: `uuid2=${user}` },
    });
  // Warm-up: scripts loaded, the pixel cached, one unattributed fire.
  await fire("1", "warm");
  await edge.drain();

  const before = await usedMemory(redis);
  for (let i = 0; i < FIRES; i += 250) {
    await Promise.all(
      Array.from({ length: 250 }, (_, j) => fire(String(9_000_000 + i + j), `u-${i + j}`)),
    );
    await edge.drain();
  }
  const afterUnattributed = await usedMemory(redis);
  for (let i = 0; i < FIRES; i += 250) {
    await Promise.all(converting.slice(i, i + 250).map((user, j) => fire(user, `c-${i + j}`)));
    await edge.drain();
  }
  const afterCounted = await usedMemory(redis);
  const stored = await store.fires(37, { limit: 3 * FIRES });
  const counted = stored.filter((f) => f.counted).length;
  const figures = {
    fires: FIRES,
    stored: stored.length,
    counted,
    bytesPerUnattributedFire: Number(((afterUnattributed - before) / FIRES).toFixed(1)),
    bytesPerCountedConversion: Number(((afterCounted - afterUnattributed) / counted).toFixed(1)),
  };
  console.log(
    `Redis used_memory: ${figures.bytesPerUnattributedFire} bytes per unattributed fire (target <= 16), ` +
      `${figures.bytesPerCountedConversion} bytes per counted conversion (target <= 300), ` +
      `over ${FIRES} fires of each kind; the event store holds ${stored.length} fires, ${counted} counted`,
  );
  console.log(`written to ${writeResults("redis-bytes", figures)}`);
} finally {
  await edge.close();
  await store.close();
  await closeRedis(redis);
  await stopProcess(redisServer.process);
  await postgres.destroy();
}
