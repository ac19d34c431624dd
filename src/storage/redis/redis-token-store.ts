import { createHash } from "node:crypto";
import { randomHex } from "../../random-hex.js";
import { keys } from "../keys.js";
import { TOKEN_IDLE_MS, TOKEN_LIFETIME_MS, type TokenStore } from "../ports.js";
import type { RedisClient } from "./connect.js";

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

interface Session {
  user_id: number;
  issued_at: number;
}

/**
 * API sessions in Redis, stored under the token's hash with the idle timeout as TTL, and
 * listed per user (scored by when they expire at the latest) so they can all be revoked.
 */
export class RedisTokenStore implements TokenStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly clock: () => number = Date.now,
  ) {}

  async issue(userId: number): Promise<string> {
    const token = randomHex(24);
    const hash = hashOf(token);
    const now = this.clock();
    const session: Session = { user_id: userId, issued_at: now };
    await this.redis.set(keys.token(hash), JSON.stringify(session), "PX", TOKEN_IDLE_MS);
    // A revocation running meanwhile may miss this token: the login route checks the user
    // again after issuing it (src/api/auth/auth-route.ts).
    const index = keys.userTokens(userId);
    await this.redis.zremrangebyscore(index, "-inf", now);
    await this.redis.zadd(index, now + TOKEN_LIFETIME_MS, hash);
    await this.redis.pexpire(index, TOKEN_LIFETIME_MS);
    return token;
  }

  async resolve(token: string): Promise<number | null> {
    const key = keys.token(hashOf(token));
    const json = await this.redis.get(key);
    if (!json) return null;
    const session = JSON.parse(json) as Session;
    const hardLeft = session.issued_at + TOKEN_LIFETIME_MS - this.clock();
    if (hardLeft <= 0) {
      await this.redis.del(key);
      return null;
    }
    await this.redis.pexpire(key, Math.min(TOKEN_IDLE_MS, hardLeft));
    return session.user_id;
  }

  async revoke(token: string): Promise<number | null> {
    const hash = hashOf(token);
    const json = await this.redis.get(keys.token(hash));
    if (!json) return null;
    const { user_id } = JSON.parse(json) as Session;
    await this.redis.del(keys.token(hash));
    await this.redis.zrem(keys.userTokens(user_id), hash);
    return user_id;
  }

  async revokeAll(userId: number): Promise<void> {
    const index = keys.userTokens(userId);
    const hashes = await this.redis.zrange(index, "0", "-1");
    // One DEL per key: on Redis Cluster the tokens live in different slots.
    await Promise.all(hashes.map((hash) => this.redis.del(keys.token(hash))));
    // Only those: a token issued since stays listed.
    if (hashes.length) await this.redis.zrem(index, ...hashes);
  }
}
