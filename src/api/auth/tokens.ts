import { createHash, randomBytes } from "node:crypto";
import { keys } from "../../storage/keys.js";
import type { RedisClient } from "../../storage/redis/connect.js";

/** Tokens expire 2 hours after their last use and 24 hours after they were issued. */
export const TOKEN_IDLE_MS = 2 * 3_600_000;
export const TOKEN_LIFETIME_MS = 24 * 3_600_000;

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

/** API sessions in Redis, stored under the token's hash with the idle timeout as TTL. */
export class TokenStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly clock: () => number = Date.now,
  ) {}

  async issue(userId: number): Promise<string> {
    const token = randomBytes(24).toString("hex");
    await this.redis.set(
      keys.token(hashOf(token)),
      JSON.stringify({ user_id: userId, issued_at: this.clock() }),
      "PX",
      TOKEN_IDLE_MS,
    );
    return token;
  }

  /** The user a live token belongs to (and the token's idle timer restarted), or null. */
  async resolve(token: string): Promise<number | null> {
    const key = keys.token(hashOf(token));
    const json = await this.redis.get(key);
    if (!json) return null;
    const session = JSON.parse(json) as { user_id: number; issued_at: number };
    const hardLeft = session.issued_at + TOKEN_LIFETIME_MS - this.clock();
    if (hardLeft <= 0) {
      await this.redis.del(key);
      return null;
    }
    await this.redis.pexpire(key, Math.min(TOKEN_IDLE_MS, hardLeft));
    return session.user_id;
  }
}
