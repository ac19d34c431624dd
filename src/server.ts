import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { ensureAdmin } from "./api/objects/users.js";
import { readConfig } from "./config.js";
import { jsonLogger } from "./deps.js";
import { guardedCreateServer } from "./node/guarded-server.js";
import { keepTrying, redactError } from "./node/keep-trying.js";
import { createNodeRuntime } from "./node/node-runtime.js";
import { openRedisOrExit } from "./node/open-redis.js";
import { openStore } from "./node/open-store.js";
import { answerUnparsableWithGif } from "./node/unparsable-requests.js";
import { FileSpool } from "./spool/file-spool.js";
import { CloudflareKvWriter } from "./storage/cloudflare-kv-writer.js";

// The Node entry: builds the dependencies from the environment and serves the app.
const log = jsonLogger;
// Last resort: whatever escaped is logged as its message only (never an error's properties,
// which for ioredis include the command and its arguments, AUTH's password among them).
process.on("unhandledRejection", (error) =>
  log({ level: "error", msg: "unhandled rejection", error: redactError(error) }),
);
process.on("uncaughtException", (error) => {
  log({ level: "error", msg: "uncaught exception", error: redactError(error) });
  process.exit(1);
});
const config = readConfig(process.env);

const opened = await openRedisOrExit(config);
const redis = opened.redis;
redis.on("error", (error: Error) =>
  log({ level: "warn", msg: "redis", error: redactError(error) }),
);

const kv = config.cloudflareKv ? new CloudflareKvWriter(config.cloudflareKv) : null;
const spool = await FileSpool.open({
  path: config.spoolPath,
  maxBytes: config.spoolMaxBytes,
  log,
}).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
const store = await openStore(config, log, Date.now).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
const runtime = await createNodeRuntime(config, redis, store, log, { kv, spool });
// Not waited for: with Redis away the edge listens now and the admin is made once it is back.
const admin = keepTrying(
  "admin user",
  () =>
    ensureAdmin(
      runtime.api,
      { username: config.adminUsername, password: config.adminPassword },
      (line) => console.log(line),
    ),
  log,
);
// With Redis up that takes a moment (a password hash), and the API is usable from the first
// request; with Redis away the first attempt fails at once and listening waits no longer.
await admin.firstAttempt;
const server = serve(
  {
    fetch: runtime.app.fetch,
    port: config.port,
    hostname: config.host,
    createServer: guardedCreateServer(log),
  },
  (info) => {
    log({
      level: "info",
      msg: `listening on http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${info.port}`,
      redis: opened.source,
      store: store.endpoint,
    });
    if (opened.privateServer)
      log({
        level: "info",
        msg: `started a private redis-server, data in ${config.localRedisDir}/`,
      });
    if (config.allowUnsigned)
      log({
        level: "warn",
        msg: "ALLOW_UNSIGNED=1: unsigned /imp and /click are accepted (development only)",
      });
  },
);

answerUnparsableWithGif(server as Server);

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
  await runtime.close();
  await spool.close();
  await store.close();
  await opened.close();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
