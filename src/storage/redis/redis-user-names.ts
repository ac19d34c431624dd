import { keys } from "../keys.js";
import type { UserNames } from "../ports.js";
import type { RedisClient } from "./connect.js";

/**
 * A username as one key holding its user's id, claimed with SET NX: of two users created with
 * the same name at once, one gets it. The key is lowercased (keys.ts), so case does not count.
 */
export class RedisUserNames implements UserNames {
  constructor(private readonly redis: RedisClient) {}

  async claim(username: string, userId: number): Promise<boolean> {
    return (await this.redis.set(keys.userByName(username), String(userId), "NX")) === "OK";
  }

  async find(username: string): Promise<number | null> {
    const id = await this.redis.get(keys.userByName(username));
    return id === null ? null : Number(id);
  }
}
