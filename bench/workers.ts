// `npx tsx bench/workers.ts`: the Worker bundle in workerd (through Miniflare, never
// `wrangler dev`): /px with attribution through the RedisWriter Durable Objects (or, with
// BENCH_MODES=perRequest, with a Redis connection per request) against a bare Worker answering
// the same GIF. Loopback, wrk, bounded in time; writes bench/results/workers-<modes>.json.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Miniflare } from "miniflare";
import { NO_CACHE_HEADERS, TRANSPARENT_GIF } from "../src/edge/responses.js";
import { freePort } from "../src/node/free-port.js";
import { kvPixelKey } from "../src/storage/kv-pixel-configs.js";
import { RedisPixelConfigs } from "../src/storage/redis/redis-pixel-configs.js";
import { migrate } from "../src/storage/sql/migrate.js";
import { startBenchStores } from "./bench-stores.js";
import { type LoadResult, loadGenerator, runLoad } from "./load.js";
import { childrenCpuSeconds, cpuSeconds } from "./processes.js";
import { median, writeResults } from "./results.js";
import { firesLogged, seedBenchData } from "./seed.js";

const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 50);

const BARE_WORKER = `
const gif = Uint8Array.from(atob(${JSON.stringify(Buffer.from(TRANSPARENT_GIF).toString("base64"))}), (c) => c.charCodeAt(0));
const headers = ${JSON.stringify({ ...NO_CACHE_HEADERS, "Content-Type": "image/gif", "Content-Length": "43" })};
export default { fetch() { return new Response(gif, { headers }); } };
`;

interface Measured extends LoadResult {
  /** How long after the load the last answered fire reached the log (0 for the bare Worker). */
  catchUpSeconds: number;
  /** CPU time of workerd (the Worker and its writer Durable Objects) per request. */
  workerdCpuMicros: number;
  redisCpuMicros: number;
}

const outdir = mkdtempSync(join(tmpdir(), "px-worker-bench-"));
const stores = await startBenchStores();
const { redisServer, redis, postgres, sql } = stores;
await migrate(sql);
const started: Miniflare[] = [];
try {
  await promisify(execFile)("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], {
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  const data = await seedBenchData(redis, {
    advertisers: 10,
    pixelsPerAdvertiser: 10,
    users: 10_000,
    touchesPerUser: 10,
  });
  const configs = new RedisPixelConfigs(redis);

  /** A Worker on a port of its own; `edge` options run the real bundle. */
  const start = async (edge: { writers: boolean } | null) => {
    const port = await freePort();
    const common = { port, host: "127.0.0.1", compatibilityDate: "2026-05-01", modules: true };
    const mf = edge
      ? new Miniflare({
          ...common,
          scriptPath: join(outdir, "worker.js"),
          modulesRoot: outdir,
          compatibilityFlags: ["nodejs_compat"],
          kvNamespaces: ["PIXELS"],
          // As deployed (wrangler.toml): what Redis does not take goes to the spool queue.
          queueProducers: { SPOOL: "px-spool" },
          queueConsumers: { "px-spool": { maxBatchTimeout: 1, maxRetries: 100 } },
          ...(edge.writers ? { durableObjects: { WRITERS: "RedisWriter" } } : {}),
          bindings: {
            REDIS_URL: redisServer.url,
            DATABASE_URL: postgres.url,
            SIGNING_SECRET: "bench",
            // The writer settings, when given, as the Worker would have them.
            ...Object.fromEntries(
              ["WRITER_BATCH_MS", "WRITER_SHARDS"].flatMap((name) =>
                process.env[name] ? [[name, process.env[name]]] : [],
              ),
            ),
          },
        })
      : new Miniflare({ ...common, script: BARE_WORKER });
    started.push(mf);
    await mf.ready;
    if (edge) {
      const kv = await mf.getKVNamespace("PIXELS");
      for (const id of data.pixelIds)
        await kv.put(kvPixelKey({ id }), JSON.stringify(await configs.get({ id })));
    }
    return port;
  };
  // BENCH_MODES=perRequest (or writers,perRequest) measures other edge modes. Run apart: a
  // connection per request leaves timed-out writes running into the next mode's rounds.
  const modes = (process.env.BENCH_MODES || "writers").split(",");
  const ports: Partial<Record<"bare" | "writers" | "perRequest", number>> = {
    bare: await start(null),
  };
  if (modes.includes("writers")) ports.writers = await start({ writers: true });
  if (modes.includes("perRequest")) ports.perRequest = await start({ writers: false });
  const paths = data.pixelIds.map((id) => `/px?id=${id}&t=2`);
  /** A load run, with the CPU time workerd (Worker and writers) and Redis spent per request. */
  const fires = () => firesLogged(sql, data.pixelIds);
  /**
   * A load run, with the CPU time workerd (Worker and writers) and Redis spent per request.
   * The writes end after the answers (waitUntil), and under overload the writers fall behind:
   * an edge run counts until every answered fire is in the log (at most 60 s more), so that
   * its figures are what the edge sustains, writes included, and leave nothing to the next.
   */
  const load = async (port: number, edge: boolean, seconds = SECONDS): Promise<Measured> => {
    const workerd0 = childrenCpuSeconds("workerd");
    const redis0 = cpuSeconds(redisServer.process.pid);
    const logged0 = edge ? await fires() : 0;
    const result = await runLoad({
      port,
      seconds,
      connections: CONNECTIONS,
      pin: [],
      paths,
      userIds: data.userIds,
    });
    const answered = result.requests - result.errors;
    const loadEnded = performance.now();
    const deadline = performance.now() + 60_000;
    while (edge && (await fires()) - logged0 < answered && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const perRequest = (seconds: number) => (seconds * 1e6) / Math.max(1, result.requests);
    const catchUpSeconds = (performance.now() - loadEnded) / 1000;
    return {
      ...result,
      // For the edge: answered and written per second.
      rps: edge ? result.requests / (result.requests / result.rps + catchUpSeconds) : result.rps,
      catchUpSeconds,
      workerdCpuMicros: perRequest(childrenCpuSeconds("workerd") - workerd0),
      redisCpuMicros: perRequest(cpuSeconds(redisServer.process.pid) - redis0),
    };
  };

  console.log(
    `Load: ${loadGenerator}, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s.`,
  );
  for (const [name, port] of Object.entries(ports)) await load(port, name !== "bare", 2); // warm-up
  // The warm-up's writes end after its answers: wait for the fire log to settle first.
  let settled = -1;
  for (let now = await fires(); now !== settled; now = await fires()) {
    settled = now;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const runs: Record<keyof typeof ports, Measured[]> = { bare: [], writers: [], perRequest: [] };
  let answered = 0;
  const before = await fires();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const name of Object.keys(ports) as Array<keyof typeof ports>) {
      const result = await load(ports[name] ?? 0, name !== "bare");
      runs[name].push(result);
      if (name !== "bare") answered += result.requests - result.errors;
      console.log(
        `round ${round}  ${name.padEnd(10)}  ${Math.round(result.rps).toString().padStart(6)} req/s  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms  writes done ${result.catchUpSeconds.toFixed(1)} s after  workerd CPU ${result.workerdCpuMicros.toFixed(0)} µs/req  Redis CPU ${result.redisCpuMicros.toFixed(1)} µs/req  (${result.errors} errors)`,
      );
    }
  }
  // Writes finish after the answers (waitUntil): give them time, then count.
  let logged = 0;
  for (let i = 0; i < 300 && logged < answered; i++) {
    logged = (await fires()) - before;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const summary = (list: Measured[]) => ({
    rps: list.length ? median(list.map((r) => r.rps)) : 0,
    p50: list.length ? median(list.map((r) => r.p50)) : 0,
    p99: list.length ? median(list.map((r) => r.p99)) : 0,
    workerdCpuMicros: list.length ? median(list.map((r) => r.workerdCpuMicros)) : 0,
    redisCpuMicros: list.length ? median(list.map((r) => r.redisCpuMicros)) : 0,
  });
  const bare = summary(runs.bare);
  const writers = summary(runs.writers);
  const perRequest = summary(runs.perRequest);
  // workerd runs on one thread, the Worker and the writers together: its CPU time per request
  // is its capacity, and varies far less than req/s on a shared machine.
  const cpuRatio = (mode: typeof bare) =>
    mode.workerdCpuMicros ? bare.workerdCpuMicros / mode.workerdCpuMicros : 0;
  console.log(`
Medians of ${ROUNDS} rounds:
  bare Worker                   ${Math.round(bare.rps)} req/s  p99 ${bare.p99.toFixed(2)} ms  workerd CPU ${bare.workerdCpuMicros.toFixed(0)} µs/req
  /px, writer Durable Objects   ${Math.round(writers.rps)} req/s  p99 ${writers.p99.toFixed(2)} ms  workerd CPU ${writers.workerdCpuMicros.toFixed(0)} µs/req  Redis CPU ${writers.redisCpuMicros.toFixed(1)} µs/req
                                ratio ${(writers.rps / bare.rps).toFixed(2)} in req/s  (target >= 0.5: ${writers.rps / bare.rps >= 0.5 ? "met" : "NOT MET"}), ${cpuRatio(writers).toFixed(2)} in workerd CPU per request
  /px, a connection per request ${Math.round(perRequest.rps)} req/s  p99 ${perRequest.p99.toFixed(2)} ms  ratio ${(perRequest.rps / bare.rps).toFixed(2)}, ${cpuRatio(perRequest).toFixed(2)} in workerd CPU per request
  fires logged                  ${logged} of ${answered} answered`);
  const file = writeResults(`workers-${modes.join("+")}`, {
    load: { generator: loadGenerator, connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS },
    bare,
    writers,
    perRequest,
    ratios: {
      writers: writers.rps / bare.rps,
      perRequest: perRequest.rps / bare.rps,
      writersCpu: cpuRatio(writers),
      perRequestCpu: cpuRatio(perRequest),
    },
    firesLogged: logged,
    firesAnswered: answered,
  });
  console.log(`\nWritten to ${file}`);
} finally {
  for (const mf of started) await mf.dispose();
  await stores.stop();
  rmSync(outdir, { recursive: true, force: true });
}
