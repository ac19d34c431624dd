import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../../src/node/free-port.js";
import { getOnNewConnection } from "../helpers/fresh-connection.js";
import { metricSum } from "../helpers/prometheus-text.js";
import { startServerProcess, until, useProcessScope } from "../helpers/server-process.js";
import { useTestStore } from "../helpers/test-store.js";

// The real server's /metrics (SPEC 13) and access log (SPEC 8), alone and as two workers.

const { dir, started, redisWithPixel } = useProcessScope("metrics");
const store = useTestStore();

async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  return response.text();
}

async function serve(workers: number) {
  const port = await freePort();
  const metricsPort = await freePort();
  const redis = await redisWithPixel();
  const server = await startServerProcess(
    {
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      REDIS_URL: redis.url,
      DATABASE_URL: store.url,
      SIGNING_SECRET: "metrics-test",
      SPOOL_PATH: join(dir, `spool-${port}.jsonl`),
      ACCESS_LOG_SAMPLE: "0",
      WEB_CONCURRENCY: String(workers),
    },
    started,
  );
  return { base: `http://127.0.0.1:${port}`, metricsPort, server };
}

describe("/metrics", () => {
  it("counts fires, requests and cache lookups of one server, on its own port only", async () => {
    const { base, metricsPort, server } = await serve(1);
    const before = await scrape(metricsPort);
    expect(metricSum(before, "px_fires_total")).toBe(0);
    // Process metrics and event-loop lag come with prom-client's defaults.
    expect(metricSum(before, "process_cpu_seconds_total")).toBeGreaterThan(0);
    expect(before).toContain("nodejs_eventloop_lag_p99_seconds");

    for (let i = 0; i < 5; i++)
      await getOnNewConnection(`${base}/px?id=37&order_id=m-${i}`, { Cookie: "uuid2=4242" });
    await until(async () => metricSum(await scrape(metricsPort), "px_fires_total") === 5, 10_000);
    const after = await scrape(metricsPort);
    expect(metricSum(after, "px_http_requests_total", { route: "/px", status_class: "2xx" })).toBe(
      5,
    );
    expect(metricSum(after, "px_http_request_duration_seconds_count", { route: "/px" })).toBe(5);
    expect(metricSum(after, "px_pixel_cache_lookups_total")).toBe(5);
    expect(
      metricSum(after, "px_pixel_cache_lookups_total", { result: "hit" }),
    ).toBeGreaterThanOrEqual(3);
    expect(metricSum(after, "px_batch_size_count", { backend: "store" })).toBeGreaterThan(0);
    expect(
      metricSum(after, "px_write_duration_seconds_count", { backend: "redis" }),
    ).toBeGreaterThan(0);
    expect(metricSum(after, "px_spool_records")).toBe(0);

    // Never on the public port: there it is an unknown API path.
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    await server.stop();
  }, 60_000);

  it("adds up the series of two workers", async () => {
    const { base, metricsPort, server } = await serve(2);
    for (let i = 0; i < 20; i++)
      await getOnNewConnection(`${base}/px?id=37&order_id=w-${i}`, { Cookie: "uuid2=4343" });
    await until(async () => metricSum(await scrape(metricsPort), "px_fires_total") === 20, 10_000);
    const text = await scrape(metricsPort);
    expect(metricSum(text, "px_http_requests_total", { route: "/px" })).toBe(20);
    // Both workers answered (connections are handed out in turn), and the sum is over both.
    const workers = server.lines.filter(
      (l) => String(l.msg).startsWith("listening on") && l.worker,
    );
    expect(new Set(workers.map((l) => l.worker))).toEqual(new Set([1, 2]));
    expect(metricSum(text, "px_pixel_cache_lookups_total", { result: "miss" })).toBe(2);
    expect(await server.stop()).toBe(0);
  }, 60_000);
});

describe("access log", () => {
  it("writes one line per API request with the caller's request id, echoed; edge sampled", async () => {
    const { base, server } = await serve(1);
    const response = await fetch(`${base}/member`, {
      headers: { "X-Request-Id": "trace-abc.123" },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("x-request-id")).toBe("trace-abc.123");
    const px = await fetch(`${base}/px?id=37`, { headers: { "X-Request-Id": "x".repeat(129) } });
    await px.arrayBuffer();
    // Too long: replaced by a new id.
    expect(px.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    await until(() => server.lines.some((l) => l.msg === "request"), 5000);
    const line = server.lines.find((l) => l.msg === "request");
    expect(line).toMatchObject({
      request_id: "trace-abc.123",
      method: "GET",
      route: "/member",
      path: "/member",
      status: 401,
    });
    expect(typeof line?.duration_ms).toBe("number");
    // ACCESS_LOG_SAMPLE=0: no edge line.
    expect(server.lines.filter((l) => l.msg === "request" && l.path === "/px")).toHaveLength(0);
    await server.stop();
  }, 60_000);
});
