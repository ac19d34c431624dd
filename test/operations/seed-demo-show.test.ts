import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRedis, type TestRedis } from "../helpers/test-redis.js";
import { useTestStore } from "../helpers/test-store.js";

// `npm run seed-demo -- --show [N]` only reads (the README's promise): on an empty Redis it
// creates nothing, whether or not it is given a pixel id.
let redis: TestRedis;
const store = useTestStore();
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => redis?.stop());

const seedDemo = (...args: string[]) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/seed-demo.ts", ...args], {
    env: { ...process.env, REDIS_URL: redis.url, DATABASE_URL: store.url },
  }).then(
    (done) => ({ code: 0, out: done.stdout + done.stderr }),
    (failed: { code: number; stdout: string; stderr: string }) => ({
      code: failed.code,
      out: failed.stdout + failed.stderr,
    }),
  );

describe("seed-demo --show", () => {
  it("writes nothing to Redis, with or without a pixel id", async () => {
    const withId = await seedDemo("--show", "5");
    expect(withId.out).toContain("Fires of pixel 5");
    const without = await seedDemo("--show");
    expect(without.code).toBe(1);
    expect(without.out).toContain("No demo pixel yet");
    expect(await redis.client.dbsize()).toBe(0);
  }, 60_000);
});
