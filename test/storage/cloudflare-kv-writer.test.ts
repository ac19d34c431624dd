import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudflareKvWriter } from "../../src/storage/cloudflare-kv-writer.js";
import { useTestStore } from "../helpers/test-store.js";

// Cloudflare's API cannot be reached from here: a local server stands in for it, keeping
// values the way KV does, and records what the writer sent.
const store = useTestStore();
const values = new Map<string, string>();
const seen: Array<{ method: string; url: string; auth: string | undefined }> = [];
const server = createServer(async (req: IncomingMessage, res) => {
  seen.push({ method: req.method ?? "", url: req.url ?? "", auth: req.headers.authorization });
  const key = decodeURIComponent((req.url ?? "").split("/values/")[1] ?? "");
  let body = "";
  for await (const chunk of req) body += chunk;
  if (req.headers.authorization !== "Bearer token-1") res.writeHead(403).end();
  else if (req.method === "PUT")
    res.writeHead(200).end(JSON.stringify({ success: true }), values.set(key, body) && undefined);
  else if (req.method === "DELETE")
    res.writeHead(200).end(JSON.stringify({ success: values.delete(key) }));
  else if (values.has(key)) res.writeHead(200).end(values.get(key));
  else res.writeHead(404).end();
});
let baseUrl = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe("the Workers KV writer for the Node API", () => {
  it("puts, reads and deletes values through the REST API with the token", async () => {
    const kv = new CloudflareKvWriter({
      accountId: "acc",
      namespaceId: "ns",
      apiToken: "token-1",
      baseUrl,
    });
    await kv.put("pixel:id:37", JSON.stringify({ id: 37 }));
    expect(await kv.get("pixel:id:37", "json")).toEqual({ id: 37 });
    await kv.delete("pixel:id:37");
    expect(await kv.get("pixel:id:37", "json")).toBeNull();
    expect(seen[0]).toEqual({
      method: "PUT",
      url: "/client/v4/accounts/acc/storage/kv/namespaces/ns/values/pixel%3Aid%3A37",
      auth: "Bearer token-1",
    });
  });

  it("fails loudly when the API refuses", async () => {
    const kv = new CloudflareKvWriter({
      accountId: "acc",
      namespaceId: "ns",
      apiToken: "wrong",
      baseUrl,
    });
    await expect(kv.put("k", "v")).rejects.toThrow("Workers KV PUT k: HTTP 403");
  });
});

describe("when Workers KV cannot be written", () => {
  it("the API still saves the change in Redis and logs the stale KV copy", async () => {
    const { startTestRedis } = await import("../helpers/test-redis.js");
    const { createNodeRuntime } = await import("../../src/node/node-runtime.js");
    const { readConfig } = await import("../../src/config.js");
    const { connectRedis } = await import("../../src/storage/redis/connect.js");
    const { adminWithAdvertiser } = await import("../helpers/api-world.js");
    const { captureLog } = await import("../helpers/node-edge.js");
    const redis = await startTestRedis();
    const client = connectRedis({ url: redis.url });
    const log = captureLog();
    const refusing = new CloudflareKvWriter({
      accountId: "acc",
      namespaceId: "ns",
      apiToken: "wrong",
      baseUrl,
    });
    const node = await createNodeRuntime(
      readConfig({ SIGNING_SECRET: "s" }),
      client,
      store.events,
      log,
      {
        kv: refusing,
      },
    );
    try {
      const { admin, advertiser } = await adminWithAdvertiser(node);
      const created = await admin.post(`/pixel?advertiser_id=${advertiser}`, {
        pixel: { name: "P" },
      });
      expect(created.status).toBe(200);
      expect(
        (await admin.get(`/pixel?id=${created.body.response.id}`)).body.response.pixel.name,
      ).toBe("P");
      expect(log.lines).toContainEqual(
        expect.objectContaining({
          msg: "KV write-through failed",
          pixel_id: created.body.response.id,
        }),
      );
      expect(JSON.stringify(log.lines)).not.toContain("wrong"); // the token never reaches a log
    } finally {
      await node.close();
      client.disconnect();
      await redis.stop();
    }
  });
});
