import { execFile } from "node:child_process";
import { createConnection } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { freePort } from "../../src/node/free-port.js";
import { advertiserDocument, pixelDocument } from "../helpers/documents.js";
import { processTree, running } from "../helpers/process-tree.js";
import { EdgeCopyWriter } from "../helpers/seed-pixel.js";
import { startServerProcess, until, useProcessScope } from "../helpers/server-process.js";
import { startTestRedis, type TestRedis } from "../helpers/test-redis.js";
import { useTestStore } from "../helpers/test-store.js";

// How an operator runs the service (SPEC 13): `npm start` stopped by a signal, the built
// JavaScript under plain node.

const { dir, started, afterwards } = useProcessScope("processes");
let redis: TestRedis;
afterwards(() => redis?.stop());
const store = useTestStore();

/** Whether something accepts connections on 127.0.0.1:port (the probe's socket is closed). */
const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

async function env(port: number) {
  redis ??= await startTestRedis();
  const writer = new EdgeCopyWriter(redis.client);
  await writer.putAdvertiser(advertiserDocument());
  await writer.putPixel(pixelDocument({ min_minutes_per_conv: 0 }));
  return {
    PORT: String(port),
    REDIS_URL: redis.url,
    DATABASE_URL: store.url,
    SIGNING_SECRET: "processes-test",
    SPOOL_PATH: join(dir, `spool-${port}.jsonl`),
  };
}

/** The drain time of SPEC 13: connections still busy after 10 s are closed. */
const DRAIN_MS = 10_000;

describe("npm start", () => {
  it("passes SIGTERM to the server: the port is free within the drain time, no process left", async () => {
    const port = await freePort();
    const server = await startServerProcess(await env(port), started, ["npm", "start", "--silent"]);
    const tree = processTree(server.child.pid as number);
    // npm, and the node server under it (through sh, unless sh execs it).
    expect(tree.length).toBeGreaterThanOrEqual(2);
    const response = await fetch(`http://127.0.0.1:${port}/px?id=37&order_id=npm-1`);
    expect(response.status).toBe(200);
    await response.arrayBuffer();

    const signalled = Date.now();
    server.child.kill("SIGTERM");
    await until(
      async () => !(await accepts(port)) && tree.every((pid) => !running(pid)),
      DRAIN_MS + 2_000,
    );
    console.log(
      `npm start: ${tree.length} processes gone ${Date.now() - signalled} ms after SIGTERM`,
    );
    expect(tree.filter(running)).toEqual([]);
    // What it answered was written before it went.
    expect((await store.events.fires(37)).map((f) => f.order_id)).toEqual(["npm-1"]);
  }, 60_000);
});

describe("the built JavaScript", () => {
  it("runs with plain node (npm run build, then node dist/node/server.js)", async () => {
    await promisify(execFile)("npm", ["run", "--silent", "build"]);
    const port = await freePort();
    const server = await startServerProcess(await env(port), started, [
      process.execPath,
      "dist/node/server.js",
    ]);
    expect(processTree(server.child.pid as number)).toHaveLength(1);
    const response = await fetch(`http://127.0.0.1:${port}/px?id=37&order_id=built-1`);
    expect(response.headers.get("content-type")).toBe("image/gif");
    await response.arrayBuffer();
    // The API and its migrations came along too.
    expect((await fetch(`http://127.0.0.1:${port}/openapi.json`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
    expect((await store.events.fires(37)).map((f) => f.order_id)).toEqual(["built-1"]);
  }, 90_000);
});
