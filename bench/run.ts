// `npm run bench`: /px with attribution against a bare Hono route serving the same GIF, on
// loopback, with a private Redis. Prints req/s, p50/p99 and their ratios, the CPU each
// request costs the edge process and Redis, and the Redis commands per fire.
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { startRedisServer } from "../src/node/find-redis.js";
import { freePort } from "../src/node/free-port.js";
import { keys } from "../src/storage/keys.js";
import { closeRedis, connectRedis, type RedisClient } from "../src/storage/redis/connect.js";
import { type LoadResult, loadGenerator, runLoad } from "./load.js";
import { cpuSeconds, startServer, stopProcess } from "./processes.js";
import { countEdgeCommands } from "./redis-commands.js";
import { seedBenchData } from "./seed.js";

const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 50);
// With 2+ cores and taskset, the servers get CPU 0 to themselves and the load generator and
// Redis share CPU 1: the figures are then the edge's own throughput per core.
const canPin =
  process.env.BENCH_PIN !== "0" &&
  availableParallelism() >= 2 &&
  spawnSync("taskset", ["-c", "0", "true"]).status === 0;
const serverPin = canPin ? ["taskset", "-c", "0"] : [];
const loadPin = canPin ? ["taskset", "-c", "1"] : [];

async function firesLogged(redis: RedisClient, pixelIds: number[]): Promise<number> {
  const lengths = await Promise.all(pixelIds.map((id) => redis.xlen(keys.fireLog(id))));
  return lengths.reduce((a, b) => a + b, 0);
}

async function waitForFires(
  redis: RedisClient,
  pixelIds: number[],
  expected: number,
): Promise<number> {
  let logged = await firesLogged(redis, pixelIds);
  for (let i = 0; i < 100 && logged < expected; i++) {
    await new Promise((r) => setTimeout(r, 100));
    logged = await firesLogged(redis, pixelIds);
  }
  return logged;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const ms = (v: number) => `${v.toFixed(2)} ms`;

interface Measured extends LoadResult {
  serverCpuMicros: number;
  redisCpuMicros: number;
}

const redisServer = await startRedisServer(await freePort(), null);
if (canPin) spawnSync("taskset", ["-p", "-c", "1", String(redisServer.process.pid)]);
const redis = connectRedis({ url: redisServer.url });
try {
  const sizes = { advertisers: 10, pixelsPerAdvertiser: 10, users: 10_000, touchesPerUser: 20 };
  console.log(
    `Seeding ${sizes.advertisers * sizes.pixelsPerAdvertiser} pixels and ${sizes.users} users × ${sizes.touchesPerUser} touches…`,
  );
  const data = await seedBenchData(redis, sizes);
  const barePort = await freePort();
  const edgePort = await freePort();
  const bare = await startServer("bench/bare-server.ts", barePort, {}, serverPin);
  const edge = await startServer(
    "src/server.ts",
    edgePort,
    { REDIS_URL: redisServer.url, SIGNING_SECRET: "bench" },
    serverPin,
  );
  const measure = async (
    port: number,
    pid: number | undefined,
    seconds = SECONDS,
  ): Promise<Measured> => {
    const server0 = cpuSeconds(pid);
    const redis0 = cpuSeconds(redisServer.process.pid);
    const result = await runLoad({
      port,
      seconds,
      connections: CONNECTIONS,
      pin: loadPin,
      ...data,
    });
    const done = result.requests;
    return {
      ...result,
      serverCpuMicros: ((cpuSeconds(pid) - server0) * 1e6) / done,
      redisCpuMicros: ((cpuSeconds(redisServer.process.pid) - redis0) * 1e6) / done,
    };
  };
  const line = (name: string, r: Measured) =>
    `${name}  ${Math.round(r.rps).toString().padStart(6)} req/s  p50 ${ms(r.p50)}  p99 ${ms(r.p99)}  ` +
    `edge CPU ${r.serverCpuMicros.toFixed(1)} µs/req  Redis CPU ${r.redisCpuMicros.toFixed(1)} µs/req  (${r.errors} non-2xx)`;

  const bareRuns: Measured[] = [];
  const edgeRuns: Measured[] = [];
  let answered = 0;
  let lost = 0;
  let commands = { total: 0, byCommand: {} as Record<string, number> };
  try {
    console.log(
      `Load: ${loadGenerator}, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s each${canPin ? "; servers on CPU 0, load and Redis on CPU 1" : ""}.`,
    );
    await measure(barePort, bare.pid, 2); // warm-up: JIT and pixel cache
    await measure(edgePort, edge.pid, 2);
    for (let round = 1; round <= ROUNDS; round++) {
      const b = await measure(barePort, bare.pid);
      bareRuns.push(b);
      console.log(line(`round ${round}  bare GIF route `, b));
      const before = await firesLogged(redis, data.pixelIds);
      const e = await measure(edgePort, edge.pid);
      edgeRuns.push(e);
      console.log(line(`round ${round}  /px attribution`, e));
      const ok = e.requests - e.errors;
      answered += ok;
      lost += Math.max(0, ok - ((await waitForFires(redis, data.pixelIds, before + ok)) - before));
    }
    const before = await firesLogged(redis, data.pixelIds);
    commands = await countEdgeCommands(redisServer.url, async () => {
      await runLoad({ port: edgePort, seconds: 1, connections: 10, pin: loadPin, ...data }).then(
        async (r) => {
          answered += r.requests - r.errors;
          await waitForFires(redis, data.pixelIds, before + r.requests - r.errors);
        },
      );
    });
    const countedFires = (await firesLogged(redis, data.pixelIds)) - before;
    commands.byCommand.fires = countedFires;
    const perFire = commands.total / Math.max(1, countedFires);
    const bareRps = median(bareRuns.map((r) => r.rps));
    const edgeRps = median(edgeRuns.map((r) => r.rps));
    const bareP99 = median(bareRuns.map((r) => r.p99));
    const edgeP99 = median(edgeRuns.map((r) => r.p99));
    const bareCpu = median(bareRuns.map((r) => r.serverCpuMicros));
    const edgeCpu = median(edgeRuns.map((r) => r.serverCpuMicros));
    const verdict = (ok: boolean) => (ok ? "met" : "NOT MET");
    console.log(`
Medians of ${ROUNDS} rounds:
  bare GIF route    ${Math.round(bareRps)} req/s  p50 ${ms(median(bareRuns.map((r) => r.p50)))}  p99 ${ms(bareP99)}  edge CPU ${bareCpu.toFixed(1)} µs/req
  /px attribution   ${Math.round(edgeRps)} req/s  p50 ${ms(median(edgeRuns.map((r) => r.p50)))}  p99 ${ms(edgeP99)}  edge CPU ${edgeCpu.toFixed(1)} µs/req, Redis CPU ${median(edgeRuns.map((r) => r.redisCpuMicros)).toFixed(1)} µs/fire
  throughput ratio  ${(edgeRps / bareRps).toFixed(2)}  (target >= 0.85: ${verdict(edgeRps / bareRps >= 0.85)})
  p99 ratio         ${(edgeP99 / bareP99).toFixed(2)}  (target <= 2: ${verdict(edgeP99 <= 2 * bareP99)})
  edge CPU ratio    ${(bareCpu / edgeCpu).toFixed(2)}  (requests per CPU-second of the edge, /px over bare)
  Redis commands    ${perFire.toFixed(3)} per fire over ${countedFires} fires, watched with MONITOR: ${JSON.stringify(commands.byCommand)}  (target <= 2: ${verdict(perFire <= 2)})
  fires lost        ${lost} of ${answered} answered`);
  } finally {
    await stopProcess(edge);
    await stopProcess(bare);
  }
} finally {
  await closeRedis(redis);
  await stopProcess(redisServer.process);
}
