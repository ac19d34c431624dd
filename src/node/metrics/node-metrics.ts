import { Counter, collectDefaultMetrics, Gauge, Histogram, type Registry } from "prom-client";
import type { Touch } from "../../attribution/types.js";
import type { FireLogEntry } from "../../conversions/log-rows.js";
import { RequestTally } from "../../metrics/request-tally.js";
import { countFires, type SpoolRecord } from "../../spool/spool.js";
import { requestSeries } from "./request-series.js";

export type Backend = "redis" | "store";

/** Batch sizes: the edge's batches hold up to 512 fires, spool records up to 2,048. */
const SIZE_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 512, 1024, 2048];
const WRITE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The series of SPEC 13 (names and meanings in docs/operations.md), registered on `registry`.
 * What happens per request is counted with plain numbers (`requests`, `pixelCache`) and read
 * when scraped; what happens per batch goes to prom-client directly.
 */
export function createNodeMetrics(
  registry: Registry,
  spool: () => { records: number; bytes: number } | null,
) {
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const requests = new RequestTally();
  requestSeries(registry, requests);
  const pixelCache = { hits: 0, misses: 0 };
  new Counter({
    name: "px_pixel_cache_lookups_total",
    help: "Pixel config lookups on the edge by result: hit (in-process cache) or miss (read from Redis)",
    labelNames: ["result"],
    registers,
    collect() {
      this.reset();
      this.inc({ result: "hit" }, pixelCache.hits);
      this.inc({ result: "miss" }, pixelCache.misses);
    },
  });
  const fires = new Counter({
    name: "px_fires_total",
    help: "Fires stored in the event store, by outcome (counted, or why not)",
    labelNames: ["outcome"],
    registers,
  });
  const conversions = new Counter({
    name: "px_conversions_total",
    help: "Counted conversions stored, by type (click: post-click, view: post-view)",
    labelNames: ["type"],
    registers,
  });
  const touches = new Counter({
    name: "px_touches_total",
    help: "Impressions and clicks written to Redis",
    labelNames: ["type"],
    registers,
  });
  const batchSize = new Histogram({
    name: "px_batch_size",
    help: "Fires (or touches) per batch written, per backend",
    labelNames: ["backend"],
    buckets: SIZE_BUCKETS,
    registers,
  });
  const writeSeconds = new Histogram({
    name: "px_write_duration_seconds",
    help: "Time one batch write took, per backend (failed writes included)",
    labelNames: ["backend"],
    buckets: WRITE_BUCKETS,
    registers,
  });
  const writeFailures = new Counter({
    name: "px_write_failures_total",
    help: "Batch writes that failed, per backend (their fires go to the spool)",
    labelNames: ["backend"],
    registers,
  });
  const spooled = new Counter({
    name: "px_spooled_records_total",
    help: "Records added to the spool (Redis or the store did not take them)",
    registers,
  });
  const replayed = new Counter({
    name: "px_spool_replayed_records_total",
    help: "Spool records written once Redis and the store were back",
    registers,
  });
  const deadLetters = new Counter({
    name: "px_dead_letters_total",
    help: "Fires the event store refused for their data, kept aside in dead_letters (the rest of their batch stored)",
    registers,
  });
  const notKept = new Counter({
    name: "px_not_recorded_total",
    help: "Fires and touches lost: Redis or the store did not take them and the spool could not keep them (full or unavailable)",
    labelNames: ["kind"],
    registers,
  });
  new Gauge({
    name: "px_spool_records",
    help: "Records waiting in the spool",
    registers,
    collect() {
      this.set(spool()?.records ?? 0);
    },
  });
  new Gauge({
    name: "px_spool_bytes",
    help: "Bytes the records waiting in the spool take in its file",
    registers,
    collect() {
      this.set(spool()?.bytes ?? 0);
    },
  });
  return {
    requests,
    pixelCache,
    write(backend: Backend, size: number, seconds: number, ok: boolean): void {
      batchSize.observe({ backend }, size);
      writeSeconds.observe({ backend }, seconds);
      if (!ok) writeFailures.inc({ backend });
    },
    // Counted per batch first: a labelled inc() costs about a microsecond.
    stored(entries: readonly FireLogEntry[]): void {
      const outcomes = new Map<string, number>();
      let clicks = 0;
      let views = 0;
      for (const { fire } of entries) {
        outcomes.set(fire.reason, (outcomes.get(fire.reason) ?? 0) + 1);
        if (fire.counted) fire.conversion_type === "click" ? clicks++ : views++;
      }
      for (const [outcome, n] of outcomes) fires.inc({ outcome }, n);
      if (clicks) conversions.inc({ type: "click" }, clicks);
      if (views) conversions.inc({ type: "view" }, views);
    },
    touched(list: readonly Touch[]): void {
      let clicks = 0;
      for (const touch of list) if (touch.type === "click") clicks++;
      if (clicks) touches.inc({ type: "click" }, clicks);
      if (list.length > clicks) touches.inc({ type: "imp" }, list.length - clicks);
    },
    deadLettered: (fires: number) => deadLetters.inc(fires),
    spooled: () => spooled.inc(),
    notKept(record: SpoolRecord): void {
      const fires = countFires(record);
      if (fires) notKept.inc({ kind: "fire" }, fires);
      if (record.kind === "touches") notKept.inc({ kind: "touch" }, record.touches.length);
    },
    replayed: () => replayed.inc(),
  };
}

export type NodeMetrics = ReturnType<typeof createNodeMetrics>;
