import calculateSlot from "cluster-key-slot";
import { Cluster } from "ioredis";
import type { RedisClient } from "./connect.js";

/**
 * Splits a batch so that each part can go to Redis as one script call: one part on a single
 * server; one part per hash slot on Redis Cluster (a script may only touch one slot there).
 */
export function bySlot<T>(
  redis: RedisClient,
  items: readonly T[],
  keyOf: (item: T) => string,
): T[][] {
  if (!(redis instanceof Cluster)) return items.length ? [[...items]] : [];
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const slot = calculateSlot(keyOf(item));
    const group = groups.get(slot) ?? [];
    group.push(item);
    groups.set(slot, group);
  }
  return [...groups.values()];
}
