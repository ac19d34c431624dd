import autocannon from "autocannon";

export interface LoadResult {
  requests: number;
  ok: number;
  rps: number;
  p50: number;
  p99: number;
}

/**
 * Load on loopback only, bounded in time and in count. Each request picks a pixel and a user
 * at random, so the same requests go to the bare route and to /px.
 */
export async function runLoad(options: {
  port: number;
  seconds: number;
  maxRequests: number;
  connections: number;
  pixelIds: number[];
  userIds: string[];
}): Promise<LoadResult> {
  const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)] as T;
  const result = await autocannon({
    url: `http://127.0.0.1:${options.port}`,
    connections: options.connections,
    duration: options.seconds,
    maxOverallRequests: options.maxRequests,
    requests: [
      {
        method: "GET",
        setupRequest: (request) => ({
          ...request,
          path: `/px?id=${pick(options.pixelIds)}&t=2`,
          headers: { cookie: `uuid2=${pick(options.userIds)}` },
        }),
      },
    ],
  });
  return {
    requests: result.requests.total,
    ok: result["2xx"],
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}
