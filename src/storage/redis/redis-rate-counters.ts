import { keys } from "../keys.js";
import type { RateCount, RateCounters } from "../ports.js";
import type { RedisClient } from "./connect.js";

const keyOf = ({ who, kind, window }: RateCount) => keys.rateCount(who, kind, window);

/**
 * Rate counts as one integer key per count, window in its name. The add that creates a key
 * gives it its TTL, so a count lives as long as its window and no key outlives it for long.
 */
export class RedisRateCounters implements RateCounters {
  constructor(private readonly redis: RedisClient) {}

  async add(count: RateCount, n: number, windowMs: number): Promise<number> {
    const key = keyOf(count);
    const value = await this.redis.incrby(key, n);
    // Only the add that started the count sets the TTL: later ones must not move its end.
    if (value === n) await this.redis.pexpire(key, windowMs);
    return value;
  }

  async get(count: RateCount): Promise<number> {
    return Number((await this.redis.get(keyOf(count))) ?? 0);
  }

  async takeBack(count: RateCount, n: number): Promise<void> {
    await this.redis.decrby(keyOf(count), n);
  }
}
