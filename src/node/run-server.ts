import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { AggregatorRegistry, register } from "prom-client";
import { ensureAdmin } from "../api/objects/users.js";
import type { Config } from "../config.js";
import { CloudflareKvWriter } from "../storage/cloudflare-kv-writer.js";
import type { Logger } from "../storage/ports.js";
import { keepFirstLogin } from "./first-login.js";
import { guardedCreateServer } from "./guarded-server.js";
import { importRedisObjects } from "./import-redis-objects.js";
import { keepTrying, redactError } from "./keep-trying.js";
import { serveMetrics } from "./metrics/metrics-server.js";
import { createNodeMetrics } from "./metrics/node-metrics.js";
import { createNodeRuntime } from "./node-runtime.js";
import { openRedisOrExit } from "./open-redis.js";
import { openSpool } from "./open-spool.js";
import { openStore } from "./open-store.js";
import { answerUnparsableRequests } from "./unparsable-requests.js";

/** `http://host:port`, with an IPv6 address in brackets. */
export const httpAddress = (host: string, port: number): string =>
  `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

/**
 * One server process: the whole service alone, or one worker of a cluster (cluster-primary.ts),
 * which then leaves the admin user to worker 1 and /metrics to the primary.
 */
export async function runServer(config: Config, log: Logger): Promise<void> {
  const worker = config.workerIndex;
  const opened = await openRedisOrExit(config);
  const redis = opened.redis;
  redis.on("error", (error: Error) =>
    log({ level: "warn", msg: "redis", error: redactError(error) }),
  );

  const kv = config.cloudflareKv ? new CloudflareKvWriter(config.cloudflareKv) : null;
  const spool = await openSpool(config, log).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
  // A cluster worker counts even when it serves no /metrics: the primary asks it over IPC.
  const metrics =
    config.metrics || worker !== null
      ? createNodeMetrics(register, () => ({ records: spool.size, bytes: spool.bytes }))
      : null;
  const store = await openStore(config, log, Date.now, {
    keptAside: metrics?.deadLettered,
    afterMigrate: (sql) => importRedisObjects(redis, sql, log),
  }).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
  // Constructing one is what makes a worker answer the primary's requests for its series.
  if (worker !== null) {
    AggregatorRegistry.setRegistries([register]);
    new AggregatorRegistry();
  }
  const runtime = await createNodeRuntime(config, redis, store, log, { kv, spool, metrics });
  // The admin is made once the store is ready (its objects copied from an earlier version's Redis
  // first, whose users keep their ids); with the store away the edge listens after 3 s at most.
  await Promise.race([store.ready, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
  const admin =
    worker === null || worker === 1
      ? keepTrying(
          "admin user",
          () =>
            ensureAdmin(
              runtime.api,
              { username: config.adminUsername, password: config.adminPassword },
              (login) =>
                keepFirstLogin(
                  config.adminLoginFile,
                  login,
                  httpAddress(config.host === "0.0.0.0" ? "127.0.0.1" : config.host, config.port),
                  log,
                ),
            ),
          log,
        )
      : { firstAttempt: Promise.resolve(), stop() {} };
  // With Redis up that takes a moment (a password hash), and the API is usable from the first
  // request; with Redis away the first attempt fails at once and listening waits no longer.
  await admin.firstAttempt;
  const metricsServer =
    config.metrics && worker === null
      ? serveMetrics(
          config.metrics,
          { contentType: register.contentType, body: () => register.metrics() },
          log,
        )
      : null;
  const server = serve(
    {
      fetch: runtime.app.fetch,
      port: config.port,
      hostname: config.host,
      createServer: guardedCreateServer(log),
    },
    (info: AddressInfo) => {
      log({
        level: "info",
        msg: `listening on ${httpAddress(info.address, info.port)}`,
        pid: process.pid,
        redis: `${opened.endpoint} (${opened.source})`,
        store: store.endpoint,
      });
      if (opened.privateServer)
        log({
          level: "info",
          msg: `started a private redis-server, data in ${config.localRedisDir}/`,
        });
      if (config.allowUnsigned && worker === null)
        log({
          level: "warn",
          msg: "ALLOW_UNSIGNED=1: unsigned /imp and /click are accepted (development only)",
        });
    },
  );

  answerUnparsableRequests(server as Server);

  let stopping = false;
  async function stop(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    log({ level: "info", msg: `${signal}: finishing background writes` });
    // In-flight requests finish (and new connections are refused) before the writes drain; a
    // client that keeps its connection busy gets 10 s.
    const closed = new Promise((resolve) => server.close(resolve));
    const timer = setTimeout(() => (server as Server).closeAllConnections(), 10_000);
    await closed;
    clearTimeout(timer);
    admin.stop();
    await metricsServer?.close();
    await runtime.close();
    await spool.close();
    await store.close();
    await opened.close();
    process.exit(0);
  }
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}
