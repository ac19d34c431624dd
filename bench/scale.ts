import { freePort } from "../src/node/free-port.js";
import { migrate } from "../src/storage/sql/migrate.js";
import { startBenchStores } from "./bench-stores.js";
import { loadGenerator, runLoad } from "./load.js";
import { cpuPinning, cpuSeconds, startEdgeServer, stopProcess } from "./processes.js";
import { writeResults } from "./results.js";
import { seedBenchData, seedUsers, USER_BASE } from "./seed.js";

const SECONDS = Number(process.env.BENCH_SECONDS || 6);
const MAX_TOUCHES = Number(process.env.BENCH_SCALE_MAX || 10_000_000);
const TOUCHES_PER_USER = 10;
const pinning = cpuPinning();
const serverPin = pinning.server;
const loadPin = pinning.load;

const stores = await startBenchStores();
const { redisServer, redis, postgres, sql } = stores;
pinning.toLoadCpu(redisServer.process.pid);
await migrate(sql);
const sizes = { advertisers: 10, pixelsPerAdvertiser: 10, touchesPerUser: TOUCHES_PER_USER };
const steps: Array<Record<string, number>> = [];
try {
  const data = await seedBenchData(redis, { ...sizes, users: 1000 });
  const port = await freePort();
  const edge = await startEdgeServer(
    port,
    { redisUrl: redisServer.url, databaseUrl: postgres.url, secret: "bench" },
    serverPin,
  );
  try {
    const paths = data.pixelIds.map((id) => `/px?id=${id}&t=2`);
    const conversions = async () => {
      const [row] = await sql.query<{ n: string }>("SELECT count(*)::text AS n FROM conversions");
      return Number(row?.n ?? 0);
    };
    let users = 1000;
    console.log(`Load: ${loadGenerator}, 50 connections, ${SECONDS} s per step.`);
    // Warm-up (JIT, pixel cache), so that the first step is not the slowest for that reason.
    await runLoad({
      port,
      seconds: 2,
      connections: 50,
      pin: loadPin,
      paths,
      userIds: data.userIds,
    });
    for (let touches = 10_000; touches <= MAX_TOUCHES; touches *= 10) {
      const target = touches / TOUCHES_PER_USER;
      const started = Date.now();
      await seedUsers(redis, sizes, users + 1, target);
      users = target;
      const seededMs = Date.now() - started;
      const memory = Number(/used_memory:(\d+)/.exec(await redis.info("memory"))?.[1] ?? 0);
      // Let Redis finish growing its tables (incremental rehashing runs for a while after a
      // big write) and warm up with this population before measuring.
      await new Promise((resolve) => setTimeout(resolve, 5000));
      await runLoad({
        port,
        seconds: 3,
        connections: 50,
        pin: loadPin,
        paths,
        userIds: [],
        userRange: { base: USER_BASE, count: users },
      });
      const conversions0 = await conversions();
      const edge0 = cpuSeconds(edge.pid);
      const redis0 = cpuSeconds(redisServer.process.pid);
      const result = await runLoad({
        port,
        seconds: SECONDS,
        connections: 50,
        pin: loadPin,
        paths,
        userIds: [],
        userRange: { base: USER_BASE, count: users },
      });
      const step = {
        touches,
        users,
        rps: result.rps,
        p50: result.p50,
        p99: result.p99,
        edgeCpuMicros: ((cpuSeconds(edge.pid) - edge0) * 1e6) / result.requests,
        redisCpuMicros: ((cpuSeconds(redisServer.process.pid) - redis0) * 1e6) / result.requests,
        redisMemoryMiB: memory / 2 ** 20,
        errors: result.errors,
        // More users, fewer repeats: more fires count, and a counted fire writes more.
        countedShare: ((await conversions()) - conversions0) / result.requests,
      };
      steps.push(step);
      console.log(
        `${touches.toLocaleString("en").padStart(11)} touches (${users.toLocaleString("en")} users, seeded in ${(seededMs / 1000).toFixed(1)} s): ` +
          `${Math.round(step.rps)} req/s  p50 ${step.p50.toFixed(2)} ms  p99 ${step.p99.toFixed(2)} ms  ` +
          `edge ${step.edgeCpuMicros.toFixed(1)} µs/fire  Redis ${step.redisCpuMicros.toFixed(1)} µs/fire  ` +
          `${(step.countedShare * 100).toFixed(0)} % counted  Redis memory ${step.redisMemoryMiB.toFixed(0)} MiB`,
      );
    }
  } finally {
    await stopProcess(edge);
  }
  const first = steps[0];
  const last = steps.at(-1);
  if (first && last) {
    const growth = (name: string) => ((last[name] ?? 0) / (first[name] ?? 1)).toFixed(2);
    console.log(
      `\nFrom ${first.touches?.toLocaleString("en")} to ${last.touches?.toLocaleString("en")} touches: ` +
        `edge CPU per fire × ${growth("edgeCpuMicros")}, Redis CPU per fire × ${growth("redisCpuMicros")}, ` +
        `throughput × ${growth("rps")}.`,
    );
  }
  console.log(`Written to ${writeResults("scale", { seconds: SECONDS, steps })}`);
} finally {
  await stores.stop();
}
