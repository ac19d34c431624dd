import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry } from "prom-client";
import type { Config } from "../config.js";
import type { Logger } from "../storage/ports.js";
import { chooseRedis } from "./find-redis.js";
import { serveMetrics } from "./metrics/metrics-server.js";
import { describeRedisUrl } from "./open-redis.js";
import { httpAddress } from "./run-server.js";

/** A worker that dies sooner than this after its start is restarted after RESTART_DELAY_MS. */
const CRASH_LOOP_MS = 5_000;
const RESTART_DELAY_MS = 1_000;

/** `.data/spool.jsonl` → `.data/spool-2.jsonl`: each worker keeps its own (a lock holds it). */
export function workerSpoolPath(path: string, index: number): string {
  const dot = path.lastIndexOf(".");
  const slash = path.lastIndexOf("/");
  return dot > slash + 1 ? `${path.slice(0, dot)}-${index}${path.slice(dot)}` : `${path}-${index}`;
}

/**
 * WEB_CONCURRENCY=N (SPEC 13): N workers share the public port (node:cluster hands them the
 * connections in turn). Worker i always has spool file i, so a worker restarted after a crash
 * replays what its predecessor spooled. The primary serves /metrics, summed over the workers,
 * and on SIGTERM or SIGINT lets every worker drain before it exits.
 */
export async function runPrimary(config: Config, log: Logger): Promise<void> {
  if (!config.databaseUrl) {
    console.error(
      "WEB_CONCURRENCY > 1 needs DATABASE_URL: the embedded store (PGlite) belongs to one process",
    );
    process.exit(1);
  }
  // Found (or started) once here, so the workers do not race to start a private one.
  let redisUrl = config.redisUrl;
  let privateRedis: { kill(): boolean } | null = null;
  if (!config.redisUrl && !config.redisClusterNodes) {
    const choice = await chooseRedis({
      redisUrl: null,
      localDir: config.localRedisDir,
      localPort: config.localRedisPort,
    });
    if (choice.kind === "missing") {
      console.error(choice.message);
      process.exit(1);
    }
    redisUrl = choice.url;
    privateRedis = choice.started ?? null;
    log({ level: "info", msg: `redis at ${describeRedisUrl(choice.url)} (${choice.kind})` });
  }

  const workers = new Map<number, Worker>();
  let stopping = false;
  let listening = 0;
  const start = (index: number) => {
    const started = Date.now();
    const worker = cluster.fork({
      CLUSTER_WORKER_INDEX: String(index),
      SPOOL_PATH: workerSpoolPath(config.spoolPath, index),
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    });
    workers.set(index, worker);
    worker.once("listening", () => {
      listening += 1;
      if (listening === config.webConcurrency)
        log({
          level: "info",
          msg: `listening on ${httpAddress(config.host, config.port)} with ${config.webConcurrency} workers`,
          pid: process.pid,
        });
    });
    worker.once("exit", (code, signal) => {
      if (workers.get(index) === worker) workers.delete(index);
      if (stopping) return;
      const delay = Date.now() - started < CRASH_LOOP_MS ? RESTART_DELAY_MS : 0;
      log({
        level: "error",
        msg: "worker died, restarting it",
        worker: index,
        pid: worker.process.pid,
        code,
        signal,
      });
      setTimeout(() => !stopping && start(index), delay);
    });
  };
  for (let i = 1; i <= config.webConcurrency; i++) start(i);

  const aggregator = new AggregatorRegistry();
  const metrics = config.metrics
    ? serveMetrics(
        config.metrics,
        { contentType: aggregator.contentType, body: () => aggregator.clusterMetrics() },
        log,
      )
    : null;

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log({ level: "info", msg: `${signal}: draining ${workers.size} workers` });
    const exits = [...workers.values()].map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) return resolve();
          worker.once("exit", () => resolve());
          worker.process.kill("SIGTERM");
        }),
    );
    await Promise.all(exits);
    await metrics?.close();
    privateRedis?.kill();
    log({ level: "info", msg: "all workers stopped" });
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}
