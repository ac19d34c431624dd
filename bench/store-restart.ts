// `npx tsx bench/store-restart.ts`: fires lost and fires stored twice when PostgreSQL is
// killed (as a crash: `pg_ctl stop -m immediate`) and started again while the edge is under
// load. The real server, a private Redis and a private PostgreSQL; wrk (or autocannon) sends
// `/px` for BENCH_SECONDS (default 12), flat out or at BENCH_RATE requests a second; the store
// is down from 1/3 to 1/2 of the run. Figures go to bench/results/store-restart-<rate>.json.
import { freePort } from "../src/node/free-port.js";
import { startBenchStores } from "./bench-stores.js";
import { loadGenerator, runLoad } from "./load.js";
import { startEdgeServer, stopProcess } from "./processes.js";
import { writeResults } from "./results.js";
import { firesLogged, seedBenchData } from "./seed.js";

const SECONDS = Number(process.env.BENCH_SECONDS || 12);
/** Requests per second (autocannon); unset: flat out (wrk), the edge's whole capacity. */
const RATE = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;

const stores = await startBenchStores();
const { redisServer, redis, postgres, sql } = stores;
const port = await freePort();
try {
  const data = await seedBenchData(redis, {
    advertisers: 10,
    pixelsPerAdvertiser: 10,
    users: 10_000,
    touchesPerUser: 10,
  });
  const edge = await startEdgeServer(
    port,
    { redisUrl: redisServer.url, databaseUrl: postgres.url, secret: "bench" },
    [],
  );
  try {
    const load = runLoad({
      port,
      seconds: SECONDS,
      connections: 50,
      pin: [],
      paths: data.pixelIds.map((id) => `/px?id=${id}&t=2`),
      userIds: data.userIds,
      ...(RATE ? { rate: RATE } : {}),
    });
    await new Promise((resolve) => setTimeout(resolve, (SECONDS * 1000) / 3));
    await postgres.stop("immediate");
    const downAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, (SECONDS * 1000) / 6));
    await postgres.start();
    const downMs = Date.now() - downAt;
    const result = await load;
    const answered = result.requests - result.errors;
    // Everything answered, and the few the load generator stopped counting in flight, land.
    let stored = 0;
    for (let i = 0; i < 600 && stored < answered; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stored = await firesLogged(sql, data.pixelIds).catch(() => 0);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    stored = await firesLogged(sql, data.pixelIds);
    const [dup] = await sql.query<{ n: string }>(
      "SELECT (count(*) - count(DISTINCT id))::text AS n FROM fires",
    );
    const figures = {
      generator: RATE ? "autocannon" : loadGenerator,
      rate: RATE ?? "flat out",
      seconds: SECONDS,
      storeDownMs: downMs,
      answered,
      non2xx: result.errors,
      stored,
      lost: Math.max(0, answered - stored),
      doubled: Number(dup?.n ?? 0),
      p99Ms: result.p99,
    };
    console.log(
      `PostgreSQL killed for ${downMs} ms under ${Math.round(result.rps)} req/s of /px: ` +
        `${answered} fires answered (${result.errors} non-2xx, p99 ${result.p99} ms), ${stored} stored, ` +
        `${figures.lost} lost, ${figures.doubled} stored twice`,
    );
    console.log(`written to ${writeResults(`store-restart-${RATE ?? "flat-out"}`, figures)}`);
  } finally {
    await stopProcess(edge);
  }
} finally {
  await stores.stop();
}
