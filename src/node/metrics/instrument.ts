import type { Spool } from "../../spool/spool.js";
import type { EdgeStorage } from "../../storage/ports.js";
import type { Backend, NodeMetrics } from "./node-metrics.js";

/** Runs a batch write and observes its size, time and outcome. */
async function timed<T>(
  metrics: NodeMetrics,
  backend: Backend,
  size: number,
  write: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    const result = await write();
    metrics.write(backend, size, (performance.now() - started) / 1000, true);
    return result;
  } catch (error) {
    metrics.write(backend, size, (performance.now() - started) / 1000, false);
    throw error;
  }
}

/**
 * The edge's storage with its batch writes measured and its pixel cache lookups counted: the
 * ports stay as they are, and the Worker (which has no /metrics) never pays for this.
 */
export function instrumentStorage(storage: EdgeStorage, metrics: NodeMetrics): EdgeStorage {
  const { pixels, touches, attribution, fireLog } = storage;
  const cache = metrics.pixelCache;
  return {
    ...storage,
    pixels: {
      // The pixel route peeks first and asks `get` only on a miss: a miss is counted there.
      peek(ref) {
        const found = pixels.peek?.(ref);
        if (found !== undefined) cache.hits += 1;
        return found;
      },
      get(ref) {
        if (pixels.peek?.(ref) !== undefined) cache.hits += 1;
        else cache.misses += 1;
        return pixels.get(ref);
      },
    },
    touches: {
      record: (list) =>
        timed(metrics, "redis", list.length, () => touches.record(list)).then(() =>
          metrics.touched(list),
        ),
    },
    attribution: {
      decide: (batch) => timed(metrics, "redis", batch.length, () => attribution.decide(batch)),
      forget: (fires) => attribution.forget(fires),
    },
    fireLog: {
      append: async (entries, batch) => {
        const written = await timed(metrics, "store", entries.length, () =>
          fireLog.append(entries, batch),
        );
        if (written) metrics.stored(entries);
        return written;
      },
    },
  };
}

/** The spool with the records it takes and gives back counted. */
export function instrumentSpool(spool: Spool, metrics: NodeMetrics): Spool {
  return {
    add(record) {
      const kept = spool.add(record);
      if (kept) metrics.spooled();
      else metrics.notKept(record);
      return kept;
    },
    peek: () => spool.peek(),
    remove(record) {
      spool.remove(record);
      metrics.replayed();
    },
    get size() {
      return spool.size;
    },
    get bytes() {
      return spool.bytes;
    },
    get full() {
      return spool.full;
    },
    get health() {
      return spool.health;
    },
    flushed: () => spool.flushed(),
    close: () => spool.close(),
  };
}
