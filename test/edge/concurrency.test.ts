import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { touchOf } from "../helpers/documents.js";
import { startNodeEdge } from "../helpers/node-edge.js";
import { seedPixelAndTouches } from "../helpers/seed-pixel.js";
import { startTestRedis, type TestRedis } from "../helpers/test-redis.js";

let redis: TestRedis;
let edges: Awaited<ReturnType<typeof startNodeEdge>>[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  // Five edge instances, each with its own Redis and store connections, as five processes
  // would be, writing one event store.
  const first = await startNodeEdge(redis.url);
  const others = await Promise.all(
    Array.from({ length: 4 }, () => startNodeEdge(redis.url, { DATABASE_URL: first.databaseUrl })),
  );
  edges = [...others, first];
});
afterAll(async () => {
  // The last one made the database the others share: it goes last and drops it.
  await Promise.all(edges.slice(0, -1).map((e) => e.close()));
  await edges.at(-1)?.close();
  await redis?.stop();
});

describe("concurrent fires", () => {
  it("50 simultaneous fires of one user and pixel (min_minutes_per_conv null) count one conversion", async () => {
    await seedPixelAndTouches(redis.client, { min_minutes_per_conv: null }, [
      touchOf("click", "555", Date.now() - 60_000),
    ]);

    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        edges[i % edges.length]?.app.request("https://px.example/px?id=37", {
          headers: { Cookie: "uuid2=555" },
        }),
      ),
    );
    await Promise.all(edges.map((e) => e.drain()));

    expect(responses.every((r) => r?.status === 200)).toBe(true);
    const fireLog = edges[0]?.fireLog;
    expect(await fireLog?.conversions(37)).toHaveLength(1);
    const fires = (await fireLog?.fires(37)) ?? [];
    expect(fires).toHaveLength(50);
    expect(fires.filter((f) => f.reason === "counted")).toHaveLength(1);
    expect(fires.filter((f) => f.reason === "repeat_user")).toHaveLength(49);
  });
});
