import type { Miniflare, MiniflareOptions } from "miniflare";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readConfig } from "../../src/config.js";
import { startRedisServer } from "../../src/node/find-redis.js";
import { freePort } from "../../src/node/free-port.js";
import { createNodeRuntime } from "../../src/node/node-runtime.js";
import { signUrl } from "../../src/signing/url-signature.js";
import { type KeyValueNamespace, kvPixelKey } from "../../src/storage/kv-pixel-configs.js";
import { connectRedis } from "../../src/storage/redis/connect.js";
import { RedisPixelConfigs } from "../../src/storage/redis/redis-pixel-configs.js";
import { RedisTouchStore } from "../../src/storage/redis/redis-touch-store.js";
import { adminWithAdvertiser } from "../helpers/api-world.js";
import { commandCalls, resetCommandStats } from "../helpers/command-stats.js";
import { advertiserDocument } from "../helpers/documents.js";
import { expectValidHeaders, HOSTILE_URLS } from "../helpers/hostile-urls.js";
import { EdgeCopyWriter, seedPixels } from "../helpers/seed-pixel.js";
import { startTestRedis, type TestRedis } from "../helpers/test-redis.js";
import { useTestStore } from "../helpers/test-store.js";
import { touchHistory } from "../helpers/touch-history.js";
import {
  buildWorkerBundle,
  bundledWorker,
  SETTLING_ENTRY,
  WORKER_ENTRY,
  type WorkerBundle,
} from "../helpers/worker-bundle.js";

const SECRET = "worker-test-secret";
// The Worker and its writers store fires in a real PostgreSQL, over pg on workerd's sockets.
const store = useTestStore();
let redis: TestRedis;
let mf: Miniflare;
let bundle: WorkerBundle | undefined;

/** Polls until `check` passes: the Worker writes in waitUntil, after its response. */
async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  withinMs = 5000,
): Promise<T> {
  let value = await read();
  for (let i = 0; i < withinMs / 50 && !check(value); i++) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

/**
 * What the Worker writes (its JSON log lines): kept here, not printed, so that a passing run
 * shows no outage warnings; the spool test checks the ones it causes.
 */
const workerLog: string[] = [];
const keepLine = (line: string) => void workerLog.push(line);

/** The bundle in Miniflare with `options`' bindings, entered as deployed unless `entry` says. */
function worker(options: Omit<MiniflareOptions, "scriptPath">, entry = WORKER_ENTRY): Miniflare {
  if (!bundle) throw new Error("the Worker bundle is not built yet");
  return bundledWorker(bundle, options, keepLine, entry);
}

// These tests change configs between requests: no isolate cache.
const bindings = () => ({
  REDIS_URL: redis.url,
  DATABASE_URL: store.url,
  SIGNING_SECRET: SECRET,
  HONOR_GPC: "1",
  PIXEL_CACHE_TTL_MS: "0",
});

beforeAll(async () => {
  redis = await startTestRedis();
  bundle = await buildWorkerBundle();
  // Answering once its writes are done, so that no write of a test lands after the next one's
  // reset; the first test below checks the deployed entry, which writes after its response.
  mf = worker({ bindings: bindings() }, SETTLING_ENTRY);
  await mf.ready;
}, 120_000);

afterAll(async () => {
  await mf?.dispose();
  await redis?.stop();
  bundle?.remove();
});

beforeEach(async () => {
  await redis.reset();
  const kv = await mf.getKVNamespace("PIXELS");
  for (const { name } of (await kv.list()).keys) await kv.delete(name);
  await seedPixels(redis.client);
});

describe("the management API writes pixel configs through to the Worker's KV", () => {
  it("the Worker answers a pixel's new piggyback right after the API changes it", async () => {
    const kv = (await mf.getKVNamespace("PIXELS")) as unknown as KeyValueNamespace;
    const redisClient = connectRedis({ url: redis.url });
    const node = await createNodeRuntime(
      readConfig({ SIGNING_SECRET: SECRET }),
      redisClient,
      store.events,
      () => {},
      { kv },
    );
    try {
      const { admin, advertiser, member } = await adminWithAdvertiser(node);
      const piggyback = (n: number) => [
        { pixel_type: "img", url: `https://tags.example/${n}.gif` },
      ];
      const id = (
        await admin.post(`/pixel?advertiser_id=${advertiser}`, {
          pixel: { name: "P", piggyback_pixels: piggyback(1) },
        })
      ).body.response.id;
      const location = async () => {
        const response = await mf.dispatchFetch(`https://px.example/px?id=${id}`, {
          redirect: "manual",
        });
        await response.arrayBuffer();
        return response.headers.get("location");
      };
      expect(await location()).toBe("https://tags.example/1.gif");
      await admin.put(`/pixel?id=${id}`, { pixel: { piggyback_pixels: piggyback(2) } });
      expect(await location()).toBe("https://tags.example/2.gif");
      await admin.put(`/pixel?id=${id}`, { pixel: { piggyback_pixels: null } });
      expect(await location()).toBeNull();

      // A code the pixel gave up no longer finds it at the edge.
      const kvGet = (key: string) => kv.get(key, "json");
      await admin.put(`/pixel?id=${id}`, { pixel: { code: "old" } });
      expect(await kvGet(kvPixelKey({ code: "old", member_id: member }))).toMatchObject({ id });
      await admin.put(`/pixel?id=${id}`, { pixel: { code: "new" } });
      expect(await kvGet(kvPixelKey({ code: "old", member_id: member }))).toBeNull();
      expect(await kvGet(kvPixelKey({ code: "new", member_id: member }))).toMatchObject({ id });
    } finally {
      await node.close();
      redisClient.disconnect();
    }
  });
});

describe("the Worker bundle in Miniflare", () => {
  it("as deployed (writing in waitUntil), records a signed impression and attributes a later /px fire", async () => {
    const deployed = worker({ bindings: bindings() });
    try {
      const imp = await deployed.dispatchFetch(
        await signUrl(SECRET, "https://px.example/imp?adv=2&li=382&cp=17607&cr=9"),
      );
      expect(imp.status).toBe(200);
      expect(imp.headers.get("content-type")).toBe("image/gif");
      const cookie = /uuid2=(\d+)/.exec(imp.headers.get("set-cookie") ?? "")?.[1];
      expect(cookie).toMatch(/^\d+$/);
      await imp.arrayBuffer();
      await eventually(
        () => touchHistory(redis.client, cookie ?? "", 2),
        (t) => t.length === 1,
      );

      const px = await deployed.dispatchFetch("https://px.example/px?id=37&t=2&order_id=W-1", {
        headers: { Cookie: `uuid2=${cookie}` },
      });
      expect(px.status).toBe(200);
      expect(new Uint8Array(await px.arrayBuffer()).length).toBe(43);
      const log = store.events;
      const conversions = await eventually(
        () => log.conversions(37),
        (c) => c.length === 1,
      );
      expect(conversions[0]).toMatchObject({
        user_id: cookie,
        post_click_or_post_view_conv: "view",
        line_item_id: 382,
        order_id: "W-1",
        post_click_or_post_view_revenue: 1,
      });
    } finally {
      await deployed.dispose();
    }
  });

  it("falls back to Redis on a KV miss and back-fills KV", async () => {
    const kv = await mf.getKVNamespace("PIXELS");
    expect(await kv.get(kvPixelKey({ id: 37 }))).toBeNull();
    const response = await mf.dispatchFetch("https://px.example/px?id=37");
    await response.arrayBuffer();
    const stored = await eventually(
      () => kv.get(kvPixelKey({ id: 37 }), "json"),
      (v) => v !== null,
    );
    expect(stored).toEqual(await new RedisPixelConfigs(redis.client).get({ id: 37 }));
  });

  it("serves the pixel config from KV", async () => {
    const kv = await mf.getKVNamespace("PIXELS");
    const fromRedis = await new RedisPixelConfigs(redis.client).get({ id: 37 });
    const piggyback = { pixel_type: "img", url: "https://kv-only.example/p.gif" };
    await kv.put(
      kvPixelKey({ id: 37 }),
      JSON.stringify({ ...fromRedis, piggyback_pixels: [piggyback] }),
    );
    const response = await mf.dispatchFetch("https://px.example/px?id=37", { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://kv-only.example/p.gif");
  });

  describe.each(HOSTILE_URLS)("a piggyback URL found in KV with %s", (_name, url, sent) => {
    beforeEach(async () => {
      const kv = await mf.getKVNamespace("PIXELS");
      const fromRedis = await new RedisPixelConfigs(redis.client).get({ id: 37 });
      await kv.put(
        kvPixelKey({ id: 37 }),
        JSON.stringify({ ...fromRedis, piggyback_pixels: [{ pixel_type: "img", url }] }),
      );
    });

    it.each(["GET", "HEAD"])("%s /px?t=2 redirects to its serialisation", async (method) => {
      const response = await mf.dispatchFetch("https://px.example/px?id=37&t=2", {
        method,
        redirect: "manual",
      });
      await response.arrayBuffer();
      expectValidHeaders(response as unknown as Response);
      if (sent === null) {
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toBe("image/gif");
      } else {
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).toBe(sent);
      }
    });

    it("GET /px?t=1 embeds the serialisation in the script", async () => {
      const response = await mf.dispatchFetch("https://px.example/px?id=37&t=1");
      const body = await response.text();
      expect(response.status).toBe(200);
      expectValidHeaders(response as unknown as Response);
      if (sent === null) expect(body).toBe("");
      else expect(body).toContain(JSON.stringify(sent));
    });
  });
});

describe("the Worker's spool (a Cloudflare Queue) while Redis is away", () => {
  it("queues the fire, retries it, and writes it with its original time once Redis is back", async () => {
    const port = await freePort();
    const away = worker({
      queueProducers: { SPOOL: "px-spool" },
      queueConsumers: { "px-spool": { maxBatchTimeout: 1, maxRetries: 50 } },
      bindings: {
        REDIS_URL: `redis://127.0.0.1:${port}`,
        DATABASE_URL: store.url,
        SIGNING_SECRET: SECRET,
      },
    });
    let server: Awaited<ReturnType<typeof startRedisServer>> | null = null;
    try {
      const kv = await away.getKVNamespace("PIXELS");
      const config = await new RedisPixelConfigs(redis.client).get({ id: 37 });
      await kv.put(kvPixelKey({ id: 37 }), JSON.stringify(config));
      const firedAt = Date.now();
      const px = await away.dispatchFetch("https://px.example/px?id=37&order_id=Q-1", {
        headers: { Cookie: "uuid2=4242" },
      });
      expect(px.status).toBe(200);
      await px.arrayBuffer();
      // Nothing listens on the port yet: the queue's consumer fails and retries.
      await new Promise((resolve) => setTimeout(resolve, 2500));

      server = await startRedisServer(port, null);
      const back = connectRedis({ url: server.url });
      try {
        await new EdgeCopyWriter(back).putAdvertiser(advertiserDocument());
        await new RedisTouchStore(back).record([
          {
            type: "click",
            user_id: "4242",
            advertiser_id: 2,
            line_item_id: 382,
            campaign_id: 1,
            creative_id: 1,
            ts: firedAt - 60_000,
          },
        ]);
        const log = store.events;
        const conversions = await eventually(
          () => log.conversions(37),
          (c) => c.length === 1,
          20_000,
        );
        expect(conversions[0]).toMatchObject({ user_id: "4242", order_id: "Q-1" });
        const [fire] = await log.fires(37);
        expect(Math.abs((fire?.ts ?? 0) - firedAt)).toBeLessThan(1000); // the original time
        // The outage was logged, as an operator would see it.
        expect(workerLog.some((l) => l.includes('"write failed, spooling"'))).toBe(true);
      } finally {
        back.disconnect();
      }
    } finally {
      await away.dispose();
      if (server) {
        const exited = new Promise((resolve) => server?.process.once("exit", resolve));
        server.process.kill();
        await exited;
      }
    }
  }, 60_000);
});

describe("an isolate with PIXEL_CACHE_TTL_MS", () => {
  it("reads an advertiser's append_click_id once for its clicks, and sends each its click id", async () => {
    await seedPixels(redis.client, undefined, advertiserDocument({ append_click_id: true }));
    const cached = worker(
      { bindings: { ...bindings(), PIXEL_CACHE_TTL_MS: "60000" } },
      SETTLING_ENTRY,
    );
    try {
      await resetCommandStats(redis.client);
      const landings: string[] = [];
      for (const user of ["5301", "5302", "5303"]) {
        const click = await cached.dispatchFetch(
          await signUrl(
            SECRET,
            `https://px.example/click?adv=2&li=382&redir=${encodeURIComponent("https://shop.example/")}`,
          ),
          { headers: { Cookie: `uuid2=${user}` }, redirect: "manual" },
        );
        await click.arrayBuffer();
        landings.push(click.headers.get("location") ?? "");
      }
      const calls = await commandCalls(redis.client);
      console.log(`3 clicks, one isolate: ${calls.get ?? 0} advertiser reads (GET) in Redis`);
      expect(calls.get).toBe(1);
      for (const landing of landings)
        expect(landing).toMatch(/^https:\/\/shop\.example\/\?pxclid=/);
    } finally {
      await cached.dispose();
    }
  });
});

describe("with RedisWriter Durable Objects holding the Redis connections", () => {
  it("records touches and attributes fires through the writers, across many requests", async () => {
    const withWriters = worker({
      durableObjects: { WRITERS: "RedisWriter" },
      bindings: {
        REDIS_URL: redis.url,
        DATABASE_URL: store.url,
        SIGNING_SECRET: SECRET,
        WRITER_SHARDS: "4",
      },
    });
    try {
      const users = Array.from({ length: 12 }, (_, i) => String(5100 + i));
      for (const user of users) {
        const imp = await withWriters.dispatchFetch(
          await signUrl(SECRET, "https://px.example/imp?adv=2&li=382&cp=1&cr=1"),
          { headers: { Cookie: `uuid2=${user}` } },
        );
        await imp.arrayBuffer();
      }
      await eventually(
        async () => (await Promise.all(users.map((u) => touchHistory(redis.client, u, 2)))).flat(),
        (t) => t.length === users.length,
      );
      await Promise.all(
        users.map(async (user) => {
          const px = await withWriters.dispatchFetch(
            `https://px.example/px?id=37&order_id=D-${user}`,
            {
              headers: { Cookie: `uuid2=${user}` },
            },
          );
          expect(px.status).toBe(200);
          await px.arrayBuffer();
        }),
      );
      const log = store.events;
      const conversions = await eventually(
        () => log.conversions(37),
        (c) => c.length === users.length,
      );
      expect(conversions.map((c) => c.user_id).sort()).toEqual(users);
    } finally {
      await withWriters.dispose();
    }
  }, 60_000);
});
