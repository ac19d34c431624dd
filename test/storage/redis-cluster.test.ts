import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../src/config.js";
import { createNodeRuntime, type NodeRuntime } from "../../src/node/node-runtime.js";
import { connectRedis, type RedisClient } from "../../src/storage/redis/connect.js";
import { RedisTouchStore } from "../../src/storage/redis/redis-touch-store.js";
import { pixelDocument } from "../helpers/documents.js";
import { captureLog } from "../helpers/node-edge.js";
import { EdgeCopyWriter, seedPixels } from "../helpers/seed-pixel.js";
import { startTestCluster, type TestCluster } from "../helpers/test-redis-cluster.js";
import { useTestStore } from "../helpers/test-store.js";

let cluster: TestCluster;
let redis: RedisClient;
let edge: NodeRuntime;
const log = captureLog();
const store = useTestStore();

beforeAll(async () => {
  cluster = await startTestCluster();
  redis = connectRedis({ clusterNodes: cluster.nodes });
  edge = await createNodeRuntime(readConfig({ SIGNING_SECRET: "s" }), redis, store.events, log);
}, 60_000);
afterAll(async () => {
  await edge?.close();
  redis?.disconnect();
  await cluster?.stop();
});

describe("on Redis Cluster", () => {
  it("attributes and logs fires of many users and pixels, each script within one slot", async () => {
    const pixelIds = [37, 38, 39];
    await seedPixels(
      redis,
      pixelIds.map((id) => pixelDocument({ id, code: `p${id}`, min_minutes_per_conv: 0 })),
    );
    const users = Array.from({ length: 30 }, (_, i) => String(5000 + i));
    await new RedisTouchStore(redis).record(
      users.map((user_id) => ({
        type: "click" as const,
        user_id,
        advertiser_id: 2,
        line_item_id: 382,
        campaign_id: 1,
        creative_id: 1,
        ts: Date.now() - 60_000,
      })),
    );

    // Sent together, so they share batches that span slots and pixels.
    await Promise.all(
      users.flatMap((user) =>
        pixelIds.map((id) =>
          edge.app.request(`https://px.example/px?id=${id}&order_id=o-${user}`, {
            headers: { Cookie: `uuid2=${user}` },
          }),
        ),
      ),
    );
    await edge.drain();

    expect(log.lines.filter((l) => l.level === "error")).toEqual([]);
    for (const id of pixelIds) {
      expect(await edge.fireLog.conversions(id)).toHaveLength(users.length);
      expect(await edge.fireLog.fires(id)).toHaveLength(users.length);
      const quarters = await edge.fireLog.reportCounts(id, Date.now() - 3_600_000, Date.now() + 1);
      expect(quarters.reduce((n, [, counts]) => n + counts.post_click_convs, 0)).toBe(users.length);
    }
  });

  it("tells every edge about a changed pixel through pub/sub", async () => {
    await edge.pixelCache.get({ id: 37 });
    await new EdgeCopyWriter(redis).putPixel(pixelDocument({ id: 37, post_view_expire_mins: 5 }));
    for (let i = 0; i < 50 && edge.pixelCache.peek({ id: 37 }) !== undefined; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect((await edge.pixelCache.get({ id: 37 }))?.post_view_expire_mins).toBe(5);
  });
});
