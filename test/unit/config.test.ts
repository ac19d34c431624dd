import { describe, expect, it } from "vitest";
import { readConfig } from "../../src/config.js";

describe("readConfig", () => {
  it("has a default for every variable", () => {
    expect(readConfig({})).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      redisUrl: null,
      signingSecret: null,
      allowUnsigned: false,
      honorGpc: true,
      storageTimeoutMs: 100,
      pixelCacheTtlMs: 30_000,
      retention: { logDays: 90, statsDays: 400 },
      cloudflareKv: null,
      writerShards: 16,
      writerBatchMs: 20,
    });
  });

  it("reads integers and flags; an empty value is the default", () => {
    const config = readConfig({
      PORT: "9000",
      HONOR_GPC: "0",
      ALLOW_UNSIGNED: "true",
      WRITER_SHARDS: "4",
      WRITER_BATCH_MS: "0",
      REDIS_URL: "",
    });
    expect(config).toMatchObject({
      port: 9000,
      honorGpc: false,
      allowUnsigned: true,
      writerShards: 4,
      writerBatchMs: 0,
      redisUrl: null,
    });
  });

  it.each([
    [{ PORT: "80.5" }, 'PORT must be an integer from 0 to 65535, got "80.5"'],
    [{ PORT: "65536" }, "PORT must be an integer from 0 to 65535"],
    [{ HONOR_GPC: "yes" }, 'HONOR_GPC must be 1 or 0, got "yes"'],
    [{ WRITER_SHARDS: "0" }, "WRITER_SHARDS must be an integer from 1 to 1024"],
    [{ WRITER_BATCH_MS: "soon" }, "WRITER_BATCH_MS must be an integer"],
    [{ CF_ACCOUNT_ID: "a" }, "CF_ACCOUNT_ID, CF_KV_NAMESPACE_ID and CF_API_TOKEN go together"],
    [{ REDIS_URL: "redis://:pw@a host" }, /^REDIS_URL is not a valid redis URL \(redis:\/\/\[/],
    [{ REDIS_URL: "localhost:6379" }, /^REDIS_URL is not a valid redis URL/],
    [{ DATABASE_URL: "mysql://db/x" }, /^DATABASE_URL is not a valid postgres URL/],
  ])("refuses %j with a one-line reason", (env, reason) => {
    expect(() => readConfig(env)).toThrow(reason);
  });

  it("takes redis://, rediss://, postgres:// and postgresql:// URLs", () => {
    for (const [redis, database] of [
      ["redis://127.0.0.1:6379/2", "postgres://app:pw@db:5432/pixels"],
      ["rediss://:pw@cache.example", "postgresql:///pixels?host=/var/run/postgresql"],
    ])
      expect(readConfig({ REDIS_URL: redis, DATABASE_URL: database })).toMatchObject({
        redisUrl: redis,
        databaseUrl: database,
      });
  });

  it("takes a Worker's env as it is: bindings that are not text are not variables", () => {
    const kv = { get() {}, put() {}, delete() {} };
    expect(readConfig({ PIXELS: kv, REDIS_URL: "redis://r:6379", PORT: 81 })).toMatchObject({
      redisUrl: "redis://r:6379",
      port: 8080,
    });
  });

  it("Workers KV needs all three variables", () => {
    expect(
      readConfig({ CF_ACCOUNT_ID: "a", CF_KV_NAMESPACE_ID: "n", CF_API_TOKEN: "t" }).cloudflareKv,
    ).toEqual({ accountId: "a", namespaceId: "n", apiToken: "t" });
  });
});
