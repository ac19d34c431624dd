/**
 * `POST /conversion-events` throughput beside `/px`, in one run against one edge process:
 * server-side conversions (batches of BENCH_BATCH, default 1,000, each with a click id and an
 * event_id) posted by BENCH_CLIENTS (default 2) clients for BENCH_SECONDS, then the time until
 * every accepted event is decided by the attribution script and stored. Loopback only, a
 * private Redis and PostgreSQL, bounded in time. Results: bench/results/conversion-events.json.
 */
import { loadavg } from "node:os";
import { freePort } from "../src/node/free-port.js";
import { encodeClickId } from "../src/signing/click-id.js";
import { startBenchStores } from "./bench-stores.js";
import { loadGenerator, runLoad } from "./load.js";
import { cpuPinning, startServer, stopProcess } from "./processes.js";
import { writeResults } from "./results.js";
import { firesLogged, seedBenchData } from "./seed.js";

const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const BATCH = Number(process.env.BENCH_BATCH || 1000);
const CLIENTS = Number(process.env.BENCH_CLIENTS || 2);
const SECRET = "bench-signing-secret";
const ADMIN = { username: "bench", password: "bench password, long enough" };
const pinning = cpuPinning();

const stores = await startBenchStores();
const { redisServer, redis, postgres, sql } = stores;
pinning.toLoadCpu(redisServer.process.pid);
pinning.toLoadCpu(postgres.postmasterPid());
try {
  const sizes = { advertisers: 10, pixelsPerAdvertiser: 10, users: 10_000, touchesPerUser: 10 };
  const data = await seedBenchData(redis, sizes);
  const port = await freePort();
  const edge = await startServer(
    "src/server.ts",
    port,
    {
      REDIS_URL: redisServer.url,
      DATABASE_URL: postgres.url,
      SIGNING_SECRET: SECRET,
      SPOOL_PATH: `/tmp/bench-spool-${port}.jsonl`,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      RATE_LIMIT_EVENTS: "0",
    },
    pinning.server,
  );
  try {
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/auth`, {
      method: "POST",
      body: JSON.stringify({ auth: ADMIN }),
    });
    const token = ((await login.json()) as { response: { token: string } }).response.token;
    // /px loads half the pixels and the conversions go to the other half, so that what the
    // store holds of each is told apart however late /px's writes land.
    const pxPixels = data.pixelIds.filter((_, i) => i % 2 === 0);
    const eventPixels = data.pixelIds.filter((_, i) => i % 2 === 1);
    // A click of seeded user n on the pixel's advertiser's first line item, 10 minutes ago.
    let serial = 0;
    const body = () => {
      const events = Array.from({ length: BATCH }, () => {
        serial += 1;
        const pixel = eventPixels[serial % eventPixels.length] ?? 1001;
        const advertiser = Math.floor(pixel / 1000);
        return {
          pixel_id: pixel,
          event_id: `bench-${serial}`,
          click_id: encodeClickId(SECRET, {
            advertiser_id: advertiser,
            line_item_id: advertiser * 100 + 1,
            campaign_id: 1,
            creative_id: 1,
            ts: Date.now() - 600_000,
            user_id: data.userIds[serial % data.userIds.length] ?? null,
          }),
          value: 1,
        };
      });
      return JSON.stringify({ events });
    };
    // Bodies made before the clock starts: the figure is the edge's, not the client's.
    const bodies = Array.from({ length: 64 }, body);
    const post = async (text: string) => {
      const answer = await fetch(`${base}/conversion-events`, {
        method: "POST",
        headers: { Authorization: token, "Content-Type": "application/json" },
        body: text,
      });
      const json = (await answer.json()) as { response: { count?: number } };
      return json.response.count ?? 0;
    };
    await post(bodies[0] ?? ""); // warm-up

    // /px first, flat out for the same time, as `npm run bench` loads it.
    await runLoad({
      port,
      seconds: 2,
      connections: 50,
      pin: pinning.load,
      paths: pxPixels.map((id) => `/px?id=${id}&t=2`),
      userIds: data.userIds,
    });
    const px = await runLoad({
      port,
      seconds: SECONDS,
      connections: 50,
      pin: pinning.load,
      paths: pxPixels.map((id) => `/px?id=${id}&t=2`),
      userIds: data.userIds,
    });
    const before = await firesLogged(sql, eventPixels);
    const started = performance.now();
    let accepted = 0;
    let requests = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let i = client; performance.now() - started < SECONDS * 1000; i += CLIENTS) {
          // Awaited first: `accepted += await …` would read accepted before the other client adds.
          const count = await post(bodies[i % bodies.length] ?? "");
          accepted += count;
          requests += 1;
        }
      }),
    );
    const answeredS = (performance.now() - started) / 1000;
    let stored = (await firesLogged(sql, eventPixels)) - before;
    for (let i = 0; i < 600 && stored < accepted; i++) {
      await new Promise((r) => setTimeout(r, 100));
      stored = (await firesLogged(sql, eventPixels)) - before;
    }
    const storedS = (performance.now() - started) / 1000;
    const [counted] = await sql.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM conversions WHERE pixel_id = ANY($1::int4[])",
      [eventPixels],
    );
    const figures = {
      // Other work on the machine while this ran (the figures move with it).
      loadAverage1m: loadavg()[0],
      px: { rps: px.rps, p50: px.p50, p99: px.p99, errors: px.errors },
      conversionEvents: {
        batch: BATCH,
        clients: CLIENTS,
        requests,
        accepted,
        acceptedPerSecond: accepted / answeredS,
        storedPerSecond: stored / storedS,
        stored,
        conversionsCounted: Number(counted?.n ?? 0),
      },
    };
    console.log(`Load average ${loadavg()[0]?.toFixed(1)} (1 min) when done. Load: ${loadGenerator} for /px (50 connections); ${CLIENTS} clients posting ${BATCH}-event batches; ${SECONDS} s each${pinning.pinned ? "; edge on CPU 0, load, Redis and PostgreSQL on CPU 1" : ""}.
  /px                  ${Math.round(px.rps)} req/s  p50 ${px.p50.toFixed(2)} ms  p99 ${px.p99.toFixed(2)} ms  (${px.errors} non-2xx)
  /conversion-events   ${Math.round(figures.conversionEvents.acceptedPerSecond)} events/s accepted (${requests} requests, ${accepted} events in ${answeredS.toFixed(1)} s)
                       ${Math.round(figures.conversionEvents.storedPerSecond)} events/s decided and stored (${stored} stored ${storedS.toFixed(1)} s after the first request; ${figures.conversionEvents.conversionsCounted} counted as conversions)`);
    console.log(`Written to ${writeResults("conversion-events", figures)}`);
  } finally {
    await stopProcess(edge);
  }
} finally {
  await stores.stop();
}
