// `npm run bench`: /px with attribution against a bare Hono route serving the same GIF, on
// loopback, with a private Redis. Prints req/s, p50/p99, their ratios and Redis commands per fire.
import { type ChildProcess, spawn } from "node:child_process";
import { startRedisServer } from "../src/node/find-redis.js";
import { freePort } from "../src/node/free-port.js";
import { keys } from "../src/storage/keys.js";
import { closeRedis, connectRedis, type RedisClient } from "../src/storage/redis/connect.js";
import { type LoadResult, runLoad } from "./load.js";
import { seedBenchData } from "./seed.js";

const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 50);
const MAX_REQUESTS = 1_000_000; // a hard cap on top of the time bound
const ADMIN_COMMANDS = new Set([
  "info",
  "config",
  "xlen",
  "ping",
  "client",
  "hello",
  "select",
  "subscribe",
  "command",
]);

async function startServer(
  script: string,
  port: number,
  env: Record<string, string>,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error(`${script} did not start`);
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

async function commandCalls(redis: RedisClient): Promise<number> {
  const info = (await redis.info("commandstats")) as string;
  let total = 0;
  for (const [, name, calls] of info.matchAll(/^cmdstat_([^:|]+)[^:]*:calls=(\d+)/gm))
    if (!ADMIN_COMMANDS.has(name ?? "")) total += Number(calls);
  return total;
}

async function firesLogged(redis: RedisClient, pixelIds: number[]): Promise<number> {
  const lengths = await Promise.all(pixelIds.map((id) => redis.xlen(keys.fireLog(id))));
  return lengths.reduce((a, b) => a + b, 0);
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const fmt = (r: LoadResult) =>
  `${Math.round(r.rps).toString().padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  (${r.ok}/${r.requests} 2xx)`;

const redisServer = await startRedisServer(await freePort(), null);
const redis = connectRedis({ url: redisServer.url });
try {
  const sizes = { advertisers: 10, pixelsPerAdvertiser: 10, users: 10_000, touchesPerUser: 20 };
  console.log(
    `Seeding ${sizes.advertisers * sizes.pixelsPerAdvertiser} pixels and ${sizes.users} users × ${sizes.touchesPerUser} touches…`,
  );
  const data = await seedBenchData(redis, sizes);
  const load = (port: number, seconds = SECONDS) =>
    runLoad({ port, seconds, maxRequests: MAX_REQUESTS, connections: CONNECTIONS, ...data });

  const barePort = await freePort();
  const edgePort = await freePort();
  const bare = await startServer("bench/bare-server.ts", barePort, {});
  const edge = await startServer("src/server.ts", edgePort, {
    REDIS_URL: redisServer.url,
    SIGNING_SECRET: "bench",
  });
  const bareRuns: LoadResult[] = [];
  const edgeRuns: LoadResult[] = [];
  let commands = 0;
  let fires = 0;
  try {
    await load(barePort, 2);
    await load(edgePort, 2); // warms the JIT and the pixel cache
    for (let round = 1; round <= ROUNDS; round++) {
      const b = await load(barePort);
      bareRuns.push(b);
      console.log(`round ${round}  bare GIF route  ${fmt(b)}`);
      const logged = await firesLogged(redis, data.pixelIds);
      const calls = await commandCalls(redis);
      const e = await load(edgePort);
      edgeRuns.push(e);
      console.log(`round ${round}  /px attribution ${fmt(e)}`);
      // Background writes finish after the responses: wait for every fire to be logged.
      let nowLogged = await firesLogged(redis, data.pixelIds);
      for (let i = 0; i < 100 && nowLogged < logged + e.ok; i++) {
        await new Promise((r) => setTimeout(r, 100));
        nowLogged = await firesLogged(redis, data.pixelIds);
      }
      fires += nowLogged - logged;
      commands += (await commandCalls(redis)) - calls - data.pixelIds.length; // less our XLENs
      if (nowLogged - logged !== e.ok)
        console.log(`  ! ${e.ok} fires answered, ${nowLogged - logged} logged`);
    }
  } finally {
    await stopServer(edge);
    await stopServer(bare);
  }

  const bareRps = median(bareRuns.map((r) => r.rps));
  const edgeRps = median(edgeRuns.map((r) => r.rps));
  const bareP99 = median(bareRuns.map((r) => r.p99));
  const edgeP99 = median(edgeRuns.map((r) => r.p99));
  const perFire = commands / Math.max(1, fires);
  const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");
  console.log(`
Medians of ${ROUNDS} rounds of ${SECONDS} s, ${CONNECTIONS} connections, loopback:
  bare GIF route     ${Math.round(bareRps)} req/s, p50 ${median(bareRuns.map((r) => r.p50))} ms, p99 ${bareP99} ms
  /px attribution    ${Math.round(edgeRps)} req/s, p50 ${median(edgeRuns.map((r) => r.p50))} ms, p99 ${edgeP99} ms
  throughput ratio   ${(edgeRps / bareRps).toFixed(2)}  (target >= 0.85: ${verdict(edgeRps / bareRps >= 0.85)})
  p99 ratio          ${(edgeP99 / Math.max(bareP99, 1)).toFixed(2)}  (target <= 2: ${verdict(edgeP99 <= 2 * Math.max(bareP99, 1))})
  Redis commands     ${perFire.toFixed(2)} per fire over ${fires} fires (target <= 2: ${verdict(perFire <= 2)})`);
} finally {
  await closeRedis(redis);
  redisServer.process.kill();
}
