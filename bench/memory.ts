import type { RedisClient } from "../src/storage/redis/connect.js";

/**
 * Redis memory per stored touch: `MEMORY USAGE` (exact, SAMPLES 0) of every touch history
 * key, keys and structure included, divided by the touches they hold.
 */
export async function bytesPerTouch(
  redis: RedisClient,
  touchKeys: readonly string[],
  touches: number,
): Promise<number> {
  const sizes = await Promise.all(
    touchKeys.map((key) => redis.call("MEMORY", "USAGE", key, "SAMPLES", "0") as Promise<number>),
  );
  return sizes.reduce((sum, bytes) => sum + Number(bytes ?? 0), 0) / touches;
}
