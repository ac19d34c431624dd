// `npx tsx bench/store-restart.ts`: fires lost and fires stored twice when PostgreSQL is
// killed (as a crash: `pg_ctl stop -m immediate`) and started again while the edge is under
// load. The real server, a private Redis and a private PostgreSQL; wrk (or autocannon) sends
// `/px` for BENCH_SECONDS (default 12), flat out or at BENCH_RATE requests a second; the store
// is down from 1/3 of the run for BENCH_DOWN_SECONDS (default 1/6 of the run). BENCH_OUTAGES
// (default 1) runs that many times against the same server: what one outage leaves in the
// spool (its byte count, its file) is what the next one starts with. After the last, the
// server is stopped and its spool file read back as a restart reads it: the fires a restart
// would send again. SPOOL_MAX_BYTES passes to the server. Figures go to
// bench/results/store-restart-<rate>.json.
import { rmSync } from "node:fs";
import { fireIdAsUuid } from "../src/conversions/fire-id.js";
import { freePort } from "../src/node/free-port.js";
import { FileSpool } from "../src/spool/file-spool.js";
import { countFires } from "../src/spool/spool.js";
import { startBenchStores } from "./bench-stores.js";
import { loadGenerator, runLoad } from "./load.js";
import { startEdgeServer, stopProcess } from "./processes.js";
import { writeResults } from "./results.js";
import { firesLogged, seedBenchData } from "./seed.js";

const SECONDS = Number(process.env.BENCH_SECONDS || 12);
/** Requests per second (autocannon); unset: flat out (wrk), the edge's whole capacity. */
const RATE = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;
const DOWN_MS = Number(process.env.BENCH_DOWN_SECONDS || SECONDS / 6) * 1000;
const OUTAGES = Number(process.env.BENCH_OUTAGES || 1);
/**
 * Set: the last outage ends with SIGTERM this many ms after the store is back, while the spool
 * is still being replayed under load (a deploy during a recovery); the fires its file then
 * holds are what the next start sends again, and the bench counts those the store already has.
 */
const STOP_IN_REPLAY_MS = process.env.BENCH_STOP_IN_REPLAY_MS
  ? Number(process.env.BENCH_STOP_IN_REPLAY_MS)
  : null;

/** A gauge of the server's /metrics, or NaN. */
async function gauge(metricsPort: number, name: string): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(
    (r) => r.text(),
    () => "",
  );
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : Number.NaN;
}

const stores = await startBenchStores();
const { redisServer, redis, postgres, sql } = stores;
const port = await freePort();
const metricsPort = await freePort();
const spoolPath = `/tmp/bench-spool-${port}.jsonl`;
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
    { METRICS_PORT: String(metricsPort) },
  );
  const outages = [];
  try {
    for (let outage = 1; outage <= OUTAGES; outage++) {
      const storedBefore = await firesLogged(sql, data.pixelIds);
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
      await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
      await postgres.start();
      const downMs = Date.now() - downAt;
      if (outage === OUTAGES && STOP_IN_REPLAY_MS !== null) {
        await new Promise((resolve) => setTimeout(resolve, STOP_IN_REPLAY_MS));
        const waiting = await gauge(metricsPort, "px_spool_records");
        await stopProcess(edge);
        await load;
        console.log(
          `outage ${outage}: PostgreSQL killed for ${downMs} ms; SIGTERM ${STOP_IN_REPLAY_MS} ms after it was back, ${waiting} records still waiting`,
        );
        break;
      }
      const result = await load;
      const answered = result.requests - result.errors;
      // Everything answered, and the few the load generator stopped counting in flight, land.
      let stored = 0;
      for (let i = 0; i < 600 && stored < answered; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        stored = (await firesLogged(sql, data.pixelIds).catch(() => 0)) - storedBefore;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
      stored = (await firesLogged(sql, data.pixelIds)) - storedBefore;
      const figures = {
        outage,
        storeDownMs: downMs,
        answered,
        non2xx: result.errors,
        stored,
        lost: Math.max(0, answered - stored),
        spoolRecordsAfter: await gauge(metricsPort, "px_spool_records"),
        spoolBytesAfter: await gauge(metricsPort, "px_spool_bytes"),
        p99Ms: result.p99,
      };
      outages.push(figures);
      console.log(
        `outage ${outage}: PostgreSQL killed for ${downMs} ms under ${Math.round(result.rps)} req/s of /px: ` +
          `${answered} fires answered (${result.errors} non-2xx, p99 ${result.p99} ms), ${stored} stored, ` +
          `${figures.lost} lost; the spool then held ${figures.spoolRecordsAfter} records in ${figures.spoolBytesAfter} bytes`,
      );
    }
  } finally {
    await stopProcess(edge);
  }
  // What the next start would find in the spool file and send again.
  const reopened = await FileSpool.open({ path: spoolPath, maxBytes: 1024 ** 4, log: () => {} });
  let resentAtRestart = 0;
  const ids: string[] = [];
  for (let record = reopened.peek(); record; record = reopened.peek()) {
    resentAtRestart += countFires(record);
    const fireIds =
      record.kind === "fires"
        ? record.fires.map((f) => f.fire.id)
        : record.kind === "decided"
          ? record.entries.map((e) => e.fire.id)
          : [];
    for (const id of fireIds) ids.push(fireIdAsUuid(id) ?? id);
    reopened.remove(record);
  }
  await reopened.close();
  const [already] = await sql.query<{ n: string }>(
    "SELECT count(*)::text AS n FROM fires WHERE id::text = ANY($1::text[])",
    [ids],
  );
  const resentAlreadyStored = Number(already?.n ?? 0);
  const [dup] = await sql.query<{ n: string }>(
    "SELECT (count(*) - count(DISTINCT id))::text AS n FROM fires",
  );
  const figures = {
    generator: RATE ? "autocannon" : loadGenerator,
    rate: RATE ?? "flat out",
    seconds: SECONDS,
    spoolMaxBytes: Number(process.env.SPOOL_MAX_BYTES || 64 * 1024 * 1024),
    outages,
    lost: outages.reduce((n, o) => n + o.lost, 0),
    doubled: Number(dup?.n ?? 0),
    stopInReplayMs: STOP_IN_REPLAY_MS,
    resentAtRestart,
    resentAlreadyStored,
  };
  console.log(
    `${figures.lost} lost in all, ${figures.doubled} stored twice; after SIGTERM the spool file holds ` +
      `${resentAtRestart} fires a restart would send again, ${resentAlreadyStored} of them already stored`,
  );
  console.log(`written to ${writeResults(`store-restart-${RATE ?? "flat-out"}`, figures)}`);
} finally {
  rmSync(spoolPath, { force: true });
  await stores.stop();
}
