import { keys } from "../keys.js";
import type { ImpressionIds } from "../ports.js";
import type { RedisClient } from "./connect.js";

/** Impression ids as one key each, taken with SET NX (the first browser's id is the value). */
export class RedisImpressionIds implements ImpressionIds {
  constructor(private readonly redis: RedisClient) {}

  async claim(advertiserId: number, aid: string, userId: string, ttlMs: number): Promise<boolean> {
    const key = keys.impressionId(advertiserId, aid);
    return (await this.redis.set(key, userId, "PX", ttlMs, "NX")) === "OK";
  }
}
