import type { RedisClient } from "../../src/storage/redis/connect.js";

/** Calls per command since the last CONFIG RESETSTAT, from INFO commandstats. */
export async function commandCalls(redis: RedisClient): Promise<Record<string, number>> {
  const info = (await redis.info("commandstats")) as string;
  const calls: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    calls[match[1] ?? ""] = Number(match[2]);
  return calls;
}

export async function resetCommandStats(redis: RedisClient): Promise<void> {
  await redis.config("RESETSTAT");
}
