import type { Touch } from "../../src/attribution/types.js";
import { keys } from "../../src/storage/keys.js";
import type { RedisClient } from "../../src/storage/redis/connect.js";
import { decodeTouch } from "../../src/storage/redis/touch-member.js";

/** A user's stored touch history on an advertiser, newest first (what the Lua scripts read). */
export async function touchHistory(
  redis: RedisClient,
  userId: string,
  advertiserId: number,
): Promise<Touch[]> {
  const members = await redis.zrevrange(keys.touches(userId, advertiserId), 0, -1);
  return members.flatMap((m) => decodeTouch(m, userId, advertiserId) ?? []);
}
