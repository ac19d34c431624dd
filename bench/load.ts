import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";

export interface LoadResult {
  requests: number;
  /** Answers that were not a 2xx. */
  errors: number;
  rps: number;
  p50: number;
  p99: number;
}

export interface LoadOptions {
  port: number;
  seconds: number;
  connections: number;
  /** Request paths, one picked at random per request (`/px?id=3001&t=2`, signed `/imp?…`). */
  paths: string[];
  /** Users, one picked at random per request as its `uuid2` cookie. */
  userIds: string[];
  /** Or users `base + 1` … `base + count`, for populations too big to list. */
  userRange?: { base: number; count: number };
  /** Prefix for the load generator's command line (CPU pinning), e.g. ["taskset", "-c", "1"]. */
  pin: string[];
  /** A steady rate (requests per second, all connections together) instead of flat out: autocannon. */
  rate?: number;
}

/** wrk when it is installed (it needs far less CPU than a Node load generator), else autocannon. */
export const loadGenerator: "wrk" | "autocannon" =
  spawnSync("wrk", ["--version"], { stdio: "ignore" }).error === undefined ? "wrk" : "autocannon";

/**
 * Load on loopback only, bounded in time (and, for autocannon, in count). Each request picks
 * a path and a user at random, so the same requests go to the bare route and to the edge.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return loadGenerator === "wrk" && options.rate === undefined
    ? runWrk(options)
    : runAutocannon(options);
}

function wrkScript(o: LoadOptions): string {
  const user = o.userRange
    ? `string.format("%d", ${o.userRange.base} + math.random(${o.userRange.count}))`
    : "users[math.random(#users)]";
  return `
local paths = {${o.paths.map((p) => JSON.stringify(p)).join(",")}}
local users = {${o.userRange ? "" : o.userIds.map((u) => `"${u}"`).join(",")}}
request = function()
  local path = paths[math.random(#paths)]
  return wrk.format("GET", path, { ["Cookie"] = "uuid2=" .. ${user} })
end
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format('{"requests":%d,"errors":%d,"micros":%d,"p50":%.3f,"p99":%.3f}\\n',
    summary.requests, errors, summary.duration, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
`;
}

async function runWrk(o: LoadOptions): Promise<LoadResult> {
  const script = join(mkdtempSync(join(tmpdir(), "px-bench-")), "load.lua");
  writeFileSync(script, wrkScript(o));
  const args = [
    "-t1",
    `-c${o.connections}`,
    `-d${o.seconds}s`,
    "-s",
    script,
    `http://127.0.0.1:${o.port}/`,
  ];
  const [command = "wrk", ...rest] = [...o.pin, "wrk", ...args];
  const child = spawn(command, rest, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
  });
  await new Promise((resolve) => child.once("exit", resolve));
  const line = out.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`wrk printed no summary:\n${out}`);
  const r = JSON.parse(line) as {
    requests: number;
    errors: number;
    micros: number;
    p50: number;
    p99: number;
  };
  return {
    requests: r.requests,
    errors: r.errors,
    rps: r.requests / (r.micros / 1e6),
    p50: r.p50,
    p99: r.p99,
  };
}

async function runAutocannon(o: LoadOptions): Promise<LoadResult> {
  const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)] as T;
  const result = await autocannon({
    url: `http://127.0.0.1:${o.port}`,
    connections: o.connections,
    duration: o.seconds,
    maxOverallRequests: 2_000_000, // a hard cap on top of the time bound
    ...(o.rate ? { overallRate: o.rate } : {}),
    requests: [
      {
        method: "GET",
        setupRequest: (request) => ({
          ...request,
          path: pick(o.paths),
          headers: {
            cookie: `uuid2=${o.userRange ? o.userRange.base + 1 + Math.floor(Math.random() * o.userRange.count) : pick(o.userIds)}`,
          },
        }),
      },
    ],
  });
  return {
    requests: result.requests.total,
    errors: result.requests.total - result["2xx"],
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}
