/**
 * What access logging and request metrics cost the edge per request, measured in-process so
 * that a busy machine disturbs it less than a load test: the same GIF route through Hono with
 * and without the observing middleware (a request id made and echoed, the route's tally, and an
 * access line for ACCESS_LOG_SAMPLE of the requests, written to a discarding stream), runs
 * alternated, the fastest of each kept. `npx tsx bench/observability-cost.ts`; `npm run
 * bench` prints it too.
 */
import { Writable } from "node:stream";
import { Hono } from "hono";
import { gifResponse } from "../src/edge/responses.js";
import { observeRequests } from "../src/http/observe-requests.js";
import { RequestTally } from "../src/metrics/request-tally.js";
import type { Logger } from "../src/storage/ports.js";

const REQUESTS = 50_000;
const RUNS = 7;

// A line is written as the service writes it (JSON.stringify, one write), to nowhere.
const sink = new Writable({ write: (_chunk, _enc, done) => done() });
const log: Logger = (entry) => {
  sink.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
};

function app(observed: null | { sample: number; tally: boolean }): Hono {
  const a = new Hono();
  if (observed)
    a.use(
      "*",
      observeRequests({
        log,
        sample: observed.sample,
        tally: observed.tally ? new RequestTally() : null,
        header: () => null,
        // As on Node: the id is set on the socket's response, here a stand-in that keeps it.
        presetHeader: (c, name, value) => {
          (c.env as { outgoing: Map<string, string> }).outgoing.set(name, value);
          return true;
        },
      }),
    );
  a.get("/px", () => gifResponse());
  return a;
}

async function microsPerRequest(target: Hono): Promise<number> {
  const env = { outgoing: new Map<string, string>() };
  const request = new Request("http://edge.example/px?id=37&t=2");
  const started = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) await target.fetch(request, env);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / REQUESTS;
}

export async function measureObservabilityCost(): Promise<{
  plainMicros: number;
  metricsMicros: number;
  metricsAndSampledLogMicros: number;
  everyRequestLoggedMicros: number;
}> {
  const variants = {
    plain: app(null),
    metrics: app({ sample: 0, tally: true }),
    sampled: app({ sample: 0.01, tally: true }),
    every: app({ sample: 1, tally: true }),
  };
  const best = { plain: Infinity, metrics: Infinity, sampled: Infinity, every: Infinity };
  for (const target of Object.values(variants)) await microsPerRequest(target); // warm-up
  for (let run = 0; run < RUNS; run++)
    for (const [name, target] of Object.entries(variants) as Array<[keyof typeof best, Hono]>)
      best[name] = Math.min(best[name], await microsPerRequest(target));
  return {
    plainMicros: best.plain,
    metricsMicros: best.metrics - best.plain,
    metricsAndSampledLogMicros: best.sampled - best.plain,
    everyRequestLoggedMicros: best.every - best.plain,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cost = await measureObservabilityCost();
  console.log(
    `GIF route through Hono: ${cost.plainMicros.toFixed(2)} µs/req; request id + metrics +${cost.metricsMicros.toFixed(2)} µs, ` +
      `with 1% access lines +${cost.metricsAndSampledLogMicros.toFixed(2)} µs, every request logged +${cost.everyRequestLoggedMicros.toFixed(2)} µs`,
  );
}
