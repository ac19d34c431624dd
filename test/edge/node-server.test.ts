import { type AddressInfo, connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRANSPARENT_GIF } from "../../src/edge/responses.js";
import { answerUnparsableRequests } from "../../src/node/unparsable-requests.js";
import { RedisTouchStore } from "../../src/storage/redis/redis-touch-store.js";
import { serveOnLoopback, startNodeEdge } from "../helpers/node-edge.js";
import { seedPixels } from "../helpers/seed-pixel.js";
import { startTestRedis, type TestRedis } from "../helpers/test-redis.js";

// Over a real socket, as src/server.ts serves it: headers come off the IncomingMessage there.
let redis: TestRedis;
let edge: Awaited<ReturnType<typeof startNodeEdge>>;
let served: Awaited<ReturnType<typeof serveOnLoopback>>;
let base = "";

beforeAll(async () => {
  redis = await startTestRedis();
  edge = await startNodeEdge(redis.url);
  served = await serveOnLoopback(edge.app);
  answerUnparsableRequests(served.server);
  base = served.origin;
  await seedPixels(redis.client);
});
afterAll(async () => {
  await served?.close();
  await edge?.close();
  await redis?.stop();
});

describe("the Node server", () => {
  it("reads the uuid2 cookie and Sec-GPC from the socket and attributes the fire", async () => {
    await new RedisTouchStore(redis.client).record([
      {
        type: "imp",
        user_id: "4242",
        advertiser_id: 2,
        line_item_id: 382,
        campaign_id: 1,
        creative_id: 1,
        ts: Date.now() - 60_000,
      },
    ]);
    const first = await fetch(`${base}/px?id=37&t=2`, {
      headers: { Cookie: "other=1; uuid2=4242" },
    });
    expect(first.status).toBe(200);
    expect(first.headers.get("set-cookie")).toBeNull();
    expect(Buffer.from(await first.arrayBuffer()).length).toBe(43);
    const gpc = await fetch(`${base}/px?id=37`, {
      headers: { Cookie: "uuid2=4242", "Sec-GPC": "1" },
    });
    await gpc.arrayBuffer();
    await edge.drain();
    // Separate batches may reach the log in either order.
    const rows = (await edge.fireLog.fires(37)).map((f) => [f.user_id, f.reason]);
    expect(rows.sort()).toEqual([
      ["-1", "unknown_user"],
      ["4242", "counted"],
    ]);
  });

  it("gives a cookie-less browser a uuid2 over plain http on loopback, without Secure", async () => {
    const response = await fetch(`${base}/px?id=37`);
    await response.arrayBuffer();
    expect(response.headers.get("set-cookie")).toMatch(
      /^uuid2=\d+; Max-Age=7776000; Path=\/; SameSite=Lax; HttpOnly$/,
    );
  });
});

/** Writes `raw` on a socket of its own and reads the answer until the server closes it. */
async function sendRaw(raw: string): Promise<Buffer> {
  const { port } = served.server.address() as AddressInfo;
  return new Promise<Buffer>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(raw));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("end", () => resolve(Buffer.concat(chunks)));
    socket.on("error", reject);
  });
}

describe("requests Node cannot parse", () => {
  it.each([
    [
      "a 100 KB query string",
      `GET /px?id=37&other=${"x".repeat(100_000)} HTTP/1.1\r\nHost: a\r\n\r\n`,
    ],
    [
      "a 40 KB cookie",
      `GET /px?id=37 HTTP/1.1\r\nHost: a\r\nCookie: uuid2=1; junk=${"y".repeat(40_000)}\r\n\r\n`,
    ],
    ["garbage", "NOT HTTP AT ALL\r\n\r\n"],
  ])("answer %s with the GIF", async (_name, raw) => {
    const answer = await sendRaw(raw);
    expect(answer.toString("latin1")).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Type: image\/gif\r\n/);
    expect(answer.toString("latin1")).toContain(
      "Cache-Control: no-store, no-cache, must-revalidate, max-age=0",
    );
    expect(answer.subarray(answer.length - 43)).toEqual(Buffer.from(TRANSPARENT_GIF));
  });

  it.each([
    [
      "a 100 KB cursor on /conversion-feed",
      `GET /conversion-feed?cursor=${"c".repeat(100_000)} HTTP/1.1\r\nHost: a\r\n\r\n`,
    ],
    [
      "a 40 KB header on /pixel",
      `GET /pixel?id=1 HTTP/1.1\r\nHost: a\r\nAuthorization: ${"t".repeat(40_000)}\r\n\r\n`,
    ],
    [
      "a 30 KB body-less POST to /report",
      `POST /report?x=${"r".repeat(30_000)} HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n`,
    ],
  ])("answer %s to an API route with the JSON error envelope", async (_name, raw) => {
    const answer = (await sendRaw(raw)).toString("latin1");
    const [head = "", body = ""] = answer.split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head).toContain("Content-Type: application/json");
    expect(JSON.parse(body)).toMatchObject({
      response: {
        status: "error",
        error_id: "SYNTAX",
        error: expect.stringMatching(/too large/),
        dbg_info: { output_term: "syntax" },
      },
    });
  });
});
