import { describe, expect, it } from "vitest";
import { readConfig } from "../../src/config.js";
import { requestId } from "../../src/http/request-id.js";
import { workerSpoolPath } from "../../src/node/cluster-primary.js";

describe("X-Request-Id", () => {
  it("keeps a caller's id of 1–128 visible ASCII characters, and replaces any other", () => {
    expect(requestId("trace-abc.123")).toBe("trace-abc.123");
    expect(requestId("x".repeat(128))).toBe("x".repeat(128));
    for (const bad of ["", "x".repeat(129), "has space", "tab\there", "é", "a\r\nSet-Cookie: x"])
      expect(requestId(bad)).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
    expect(requestId(null)).not.toBe(requestId(null));
  });
});

describe("operations settings", () => {
  it("defaults: metrics on 127.0.0.1:9464, one process, 1% of edge requests logged", () => {
    const config = readConfig({});
    expect(config.metrics).toEqual({ port: 9464, host: "127.0.0.1" });
    expect(config.webConcurrency).toBe(1);
    expect(config.workerIndex).toBeNull();
    expect(config.accessLogSample).toBe(0.01);
  });

  it("METRICS_PORT=0 turns metrics off; bad values stop the start naming the variable", () => {
    expect(readConfig({ METRICS_PORT: "0" }).metrics).toBeNull();
    expect(readConfig({ ACCESS_LOG_SAMPLE: "1" }).accessLogSample).toBe(1);
    expect(() => readConfig({ ACCESS_LOG_SAMPLE: "2" })).toThrow(/ACCESS_LOG_SAMPLE/);
    expect(() => readConfig({ ACCESS_LOG_SAMPLE: "1%" })).toThrow(/ACCESS_LOG_SAMPLE/);
    expect(() => readConfig({ WEB_CONCURRENCY: "0" })).toThrow(/WEB_CONCURRENCY/);
    expect(() => readConfig({ METRICS_PORT: "70000" })).toThrow(/METRICS_PORT/);
  });

  it("gives each worker a spool file of its own beside the configured one", () => {
    expect(workerSpoolPath(".data/spool.jsonl", 2)).toBe(".data/spool-2.jsonl");
    expect(workerSpoolPath("/var/lib/px/spool", 1)).toBe("/var/lib/px/spool-1");
    expect(workerSpoolPath("/var/lib/px.d/spool", 3)).toBe("/var/lib/px.d/spool-3");
  });
});
