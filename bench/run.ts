import { freePort } from "../src/node/free-port.js";
import { signUrl } from "../src/signing/url-signature.js";
import type { SqlClient } from "../src/storage/sql/sql-client.js";
import { startBenchStores } from "./bench-stores.js";
import { type LoadResult, loadGenerator, runLoad } from "./load.js";
import { bytesPerTouch } from "./memory.js";
import { measureObservabilityCost } from "./observability-cost.js";
import {
  cpuPinning,
  cpuSeconds,
  startEdgeServer,
  startServer,
  stopProcess,
  treeCpuSeconds,
} from "./processes.js";
import { countEdgeCommands } from "./redis-commands.js";
import { median, writeResults } from "./results.js";
import { firesLogged, seedBenchData } from "./seed.js";

const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 50);
const SECRET = "bench-signing-secret";
const pinning = cpuPinning();
const canPin = pinning.pinned;
const serverPin = pinning.server;
const loadPin = pinning.load;

async function waitForFires(sql: SqlClient, pixelIds: number[], expected: number) {
  let logged = await firesLogged(sql, pixelIds);
  for (let i = 0; i < 100 && logged < expected; i++) {
    await new Promise((r) => setTimeout(r, 100));
    logged = await firesLogged(sql, pixelIds);
  }
  return logged;
}

const ms = (v: number) => `${v.toFixed(2)} ms`;

interface Measured extends LoadResult {
  serverCpuMicros: number;
  redisCpuMicros: number;
  storeCpuMicros: number;
}

const stores = await startBenchStores();
const { redisServer, redis, postgres, sql } = stores;
// Redis and the event store on the load generator's CPU.
pinning.toLoadCpu(redisServer.process.pid);
pinning.toLoadCpu(postgres.postmasterPid());
try {
  const sizes = { advertisers: 10, pixelsPerAdvertiser: 10, users: 10_000, touchesPerUser: 10 };
  console.log(
    `Seeding ${sizes.advertisers * sizes.pixelsPerAdvertiser} pixels and ${sizes.users} users × ${sizes.touchesPerUser} touches…`,
  );
  const data = await seedBenchData(redis, sizes);
  const memory = await bytesPerTouch(redis, data.touchKeys, data.touches);
  const pxPaths = data.pixelIds.map((id) => `/px?id=${id}&t=2`);
  // Signed beacons as an ad server would print them: the signature does not cover the user.
  const impPaths: string[] = [];
  for (let i = 0; i < 500; i++) {
    const adv = 1 + (i % sizes.advertisers);
    const signed = await signUrl(
      SECRET,
      `http://bench/imp?adv=${adv}&li=${adv * 100 + 1 + (i % 3)}&cp=${1 + (i % 7)}&cr=${1 + i}`,
    );
    impPaths.push(signed.slice("http://bench".length));
  }

  const barePort = await freePort();
  const edgePort = await freePort();
  const bare = await startServer("bench/bare-server.ts", barePort, {}, serverPin);
  const stores = { redisUrl: redisServer.url, databaseUrl: postgres.url, secret: SECRET };
  // The edge as deployed: metrics on (their own port), 1 request in 100 logged (the default).
  const edge = await startEdgeServer(edgePort, stores, serverPin, {
    METRICS_PORT: String(await freePort()),
  });
  // What those cost (SPEC 13): the same edge without metrics or access lines, and with a line
  // for every request.
  const plainPort = await freePort();
  const plain = await startEdgeServer(plainPort, stores, serverPin, { ACCESS_LOG_SAMPLE: "0" });
  const loggedPort = await freePort();
  const logged = await startEdgeServer(loggedPort, stores, serverPin, {
    METRICS_PORT: String(await freePort()),
    ACCESS_LOG_SAMPLE: "1",
  });
  const measure = async (
    port: number,
    pid: number | undefined,
    paths: string[],
    seconds = SECONDS,
  ): Promise<Measured> => {
    const server0 = cpuSeconds(pid);
    const redis0 = cpuSeconds(redisServer.process.pid);
    const store0 = treeCpuSeconds(postgres.postmasterPid());
    const result = await runLoad({
      port,
      seconds,
      connections: CONNECTIONS,
      pin: loadPin,
      paths,
      userIds: data.userIds,
    });
    const done = result.requests;
    return {
      ...result,
      serverCpuMicros: ((cpuSeconds(pid) - server0) * 1e6) / done,
      redisCpuMicros: ((cpuSeconds(redisServer.process.pid) - redis0) * 1e6) / done,
      // Writes land a little after the load ends: what follows it within a second counts too.
      storeCpuMicros: ((treeCpuSeconds(postgres.postmasterPid()) - store0) * 1e6) / done,
    };
  };
  const line = (name: string, r: Measured) =>
    `${name}  ${Math.round(r.rps).toString().padStart(6)} req/s  p50 ${ms(r.p50)}  p99 ${ms(r.p99)}  ` +
    `edge CPU ${r.serverCpuMicros.toFixed(1)} µs/req  Redis CPU ${r.redisCpuMicros.toFixed(1)} µs/req  store CPU ${r.storeCpuMicros.toFixed(1)} µs/req  (${r.errors} non-2xx)`;

  const runs = {
    bare: [] as Measured[],
    px: [] as Measured[],
    imp: [] as Measured[],
    plain: [] as Measured[],
    logged: [] as Measured[],
  };
  let answered = 0;
  let lost = 0;
  let doubled = 0;
  try {
    console.log(
      `Load: ${loadGenerator}, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s each${canPin ? "; servers on CPU 0, load and Redis on CPU 1" : ""}.`,
    );
    // Warm-up: JIT, the pixel cache, the signing secret.
    await measure(barePort, bare.pid, pxPaths, 2);
    await measure(edgePort, edge.pid, pxPaths, 2);
    await measure(edgePort, edge.pid, impPaths, 1);
    await measure(plainPort, plain.pid, pxPaths, 1);
    await measure(loggedPort, logged.pid, pxPaths, 1);
    for (let round = 1; round <= ROUNDS; round++) {
      const b = await measure(barePort, bare.pid, pxPaths);
      runs.bare.push(b);
      console.log(line(`round ${round}  bare GIF route `, b));
      const before = await firesLogged(sql, data.pixelIds);
      const px = await measure(edgePort, edge.pid, pxPaths);
      const ok = px.requests - px.errors;
      answered += ok;
      const stored = (await waitForFires(sql, data.pixelIds, before + ok)) - before;
      // The load generator stops counting with up to CONNECTIONS requests in flight, which the
      // edge answers and stores: more stored than counted is those, not doubles (see below).
      lost += Math.max(0, ok - stored);
      runs.px.push(px);
      console.log(line(`round ${round}  /px attribution`, px));
      const imp = await measure(edgePort, edge.pid, impPaths);
      runs.imp.push(imp);
      console.log(line(`round ${round}  /imp signed     `, imp));
      const p = await measure(plainPort, plain.pid, pxPaths);
      runs.plain.push(p);
      console.log(line(`round ${round}  /px, no metrics or access log`, p));
      const l = await measure(loggedPort, logged.pid, pxPaths);
      runs.logged.push(l);
      console.log(line(`round ${round}  /px, every request logged`, l));
    }
    const before = await firesLogged(sql, data.pixelIds);
    const commands = await countEdgeCommands(redisServer.url, async () => {
      const r = await runLoad({
        port: edgePort,
        seconds: 1,
        connections: 10,
        pin: loadPin,
        paths: pxPaths,
        userIds: data.userIds,
      });
      answered += r.requests - r.errors;
      await waitForFires(sql, data.pixelIds, before + r.requests - r.errors);
    });
    const countedFires = (await firesLogged(sql, data.pixelIds)) - before;
    // A fire stored twice would have its id twice.
    const [dup] = await sql.query<{ n: string }>(
      "SELECT (count(*) - count(DISTINCT id))::text AS n FROM fires",
    );
    doubled = Number(dup?.n ?? 0);
    const perFire = commands.total / Math.max(1, countedFires);

    const summary = (list: Measured[]) => ({
      rps: median(list.map((r) => r.rps)),
      p50: median(list.map((r) => r.p50)),
      p99: median(list.map((r) => r.p99)),
      edgeCpuMicros: median(list.map((r) => r.serverCpuMicros)),
      redisCpuMicros: median(list.map((r) => r.redisCpuMicros)),
      storeCpuMicros: median(list.map((r) => r.storeCpuMicros)),
    });
    const bareS = summary(runs.bare);
    const pxS = summary(runs.px);
    const impS = summary(runs.imp);
    const plainS = summary(runs.plain);
    const loggedS = summary(runs.logged);
    const inProcess = await measureObservabilityCost();
    const observability = {
      metricsAndSampledLogMicros: pxS.edgeCpuMicros - plainS.edgeCpuMicros,
      everyRequestLoggedMicros: loggedS.edgeCpuMicros - plainS.edgeCpuMicros,
      plainEdgeCpuMicros: plainS.edgeCpuMicros,
      inProcess,
    };
    const verdict = (ok: boolean) => (ok ? "met" : "NOT MET");
    // What a route costs the edge beyond answering the GIF: steadier than the ratios on a
    // machine whose kernel time per request changes with its state (bench/README.md).
    const overBare = (route: typeof bareS) =>
      `+${(route.edgeCpuMicros - bareS.edgeCpuMicros).toFixed(1)} µs`;
    const ratios = {
      pxThroughput: pxS.rps / bareS.rps,
      pxP99: pxS.p99 / bareS.p99,
      impThroughput: impS.rps / bareS.rps,
      impP99: impS.p99 / bareS.p99,
    };
    console.log(`
Medians of ${ROUNDS} rounds:
  bare GIF route    ${Math.round(bareS.rps)} req/s  p50 ${ms(bareS.p50)}  p99 ${ms(bareS.p99)}  edge CPU ${bareS.edgeCpuMicros.toFixed(1)} µs/req
  /px attribution   ${Math.round(pxS.rps)} req/s  p50 ${ms(pxS.p50)}  p99 ${ms(pxS.p99)}  edge CPU ${pxS.edgeCpuMicros.toFixed(1)} µs/req (${overBare(pxS)} over the bare route), Redis CPU ${pxS.redisCpuMicros.toFixed(1)} µs/fire, store CPU ${pxS.storeCpuMicros.toFixed(1)} µs/fire
  /px total CPU     ${(pxS.edgeCpuMicros + pxS.redisCpuMicros + pxS.storeCpuMicros).toFixed(1)} µs/fire (edge + Redis + PostgreSQL) beside the bare route's ${bareS.edgeCpuMicros.toFixed(1)} µs
  /imp signed       ${Math.round(impS.rps)} req/s  p50 ${ms(impS.p50)}  p99 ${ms(impS.p99)}  edge CPU ${impS.edgeCpuMicros.toFixed(1)} µs/req (${overBare(impS)} over the bare route), Redis CPU ${impS.redisCpuMicros.toFixed(1)} µs/touch
  /px throughput    ${ratios.pxThroughput.toFixed(2)} of the bare route  (target >= 0.85: ${verdict(ratios.pxThroughput >= 0.85)})
  /px p99           ${ratios.pxP99.toFixed(2)} × the bare route's  (target <= 2: ${verdict(ratios.pxP99 <= 2)})
  /imp throughput   ${ratios.impThroughput.toFixed(2)} of the bare route  (target >= 0.85: ${verdict(ratios.impThroughput >= 0.85)})
  /imp p99          ${ratios.impP99.toFixed(2)} × the bare route's  (target <= 2: ${verdict(ratios.impP99 <= 2)})
  observability     in-process (bench/observability-cost.ts): request id + metrics +${inProcess.metricsMicros.toFixed(2)} µs/req, with 1% access lines +${inProcess.metricsAndSampledLogMicros.toFixed(2)} µs, every request logged +${inProcess.everyRequestLoggedMicros.toFixed(2)} µs, beside ${inProcess.plainMicros.toFixed(2)} µs for the GIF route through Hono
  observability     under load: metrics + 1% access log ${observability.metricsAndSampledLogMicros.toFixed(1)} µs/req of edge CPU over neither (${plainS.edgeCpuMicros.toFixed(1)} µs); every request logged: ${observability.everyRequestLoggedMicros.toFixed(1)} µs/req (throughput ${Math.round(plainS.rps)} → ${Math.round(pxS.rps)} → ${Math.round(loggedS.rps)} req/s)
  Redis commands    ${perFire.toFixed(3)} per fire over ${countedFires} fires, watched with MONITOR: ${JSON.stringify(commands.byCommand)}  (target <= 2: ${verdict(perFire <= 2)})
  Redis memory      ${memory.toFixed(1)} bytes per stored touch (MEMORY USAGE over ${data.touches} touches of ${sizes.users} users)  (target <= 64: ${verdict(memory <= 64)})
  fires lost        ${lost} of ${answered} answered; ${doubled} stored twice (ids found twice in the store)`);
    const file = writeResults("latest", {
      load: {
        generator: loadGenerator,
        connections: CONNECTIONS,
        seconds: SECONDS,
        rounds: ROUNDS,
        pinned: canPin,
      },
      seeded: sizes,
      bare: bareS,
      px: pxS,
      imp: impS,
      pxWithoutObservability: plainS,
      pxEveryRequestLogged: loggedS,
      observability,
      ratios,
      edgeCpuMicrosOverBare: {
        px: pxS.edgeCpuMicros - bareS.edgeCpuMicros,
        imp: impS.edgeCpuMicros - bareS.edgeCpuMicros,
      },
      redisCommandsPerFire: perFire,
      redisBytesPerTouch: memory,
      firesLost: lost,
      firesDoubled: doubled,
      firesAnswered: answered,
    });
    console.log(`\nWritten to ${file}`);
  } finally {
    await stopProcess(edge);
    await stopProcess(plain);
    await stopProcess(logged);
    await stopProcess(bare);
  }
} finally {
  await stores.stop();
}
