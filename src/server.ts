import cluster from "node:cluster";
import { readConfig } from "./config.js";
import { jsonLogger } from "./deps.js";
import { runPrimary } from "./node/cluster-primary.js";
import { redactError } from "./node/keep-trying.js";
import { runServer } from "./node/run-server.js";
import type { Logger } from "./storage/ports.js";

// The Node entry: the server alone, or with WEB_CONCURRENCY > 1 the primary of its workers.
// A worker's lines say which worker wrote them.
const worker = cluster.isWorker ? Number(process.env.CLUSTER_WORKER_INDEX) : null;
const log: Logger = worker ? (entry) => jsonLogger({ worker, ...entry }) : jsonLogger;
// Last resort: whatever escaped is logged as its message only (never an error's properties,
// which for ioredis include the command and its arguments, AUTH's password among them).
process.on("unhandledRejection", (error) =>
  log({ level: "error", msg: "unhandled rejection", error: redactError(error) }),
);
process.on("uncaughtException", (error) => {
  log({ level: "error", msg: "uncaught exception", error: redactError(error) });
  process.exit(1);
});
let config: ReturnType<typeof readConfig>;
try {
  config = readConfig(process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
if (config.webConcurrency > 1 && cluster.isPrimary) await runPrimary(config, log);
else await runServer(config, log);
