import { keys } from "../../storage/keys.js";
import type { RedisClient } from "../../storage/redis/connect.js";

const WINDOW_MS = 5 * 60_000;
/** Successful logins allowed per user per 5 minutes (SPEC section 6). */
export const MAX_LOGINS = 10;

export interface ThrottleVerdict {
  allowed: boolean;
  /** Seconds until the window ends, when refused. */
  retryAfter: number;
  /** How long to hold this attempt back: failures slow the next tries down. */
  delayMs: number;
}

/** Per-username login counters in fixed 5-minute windows. */
export class LoginThrottle {
  constructor(
    private readonly redis: RedisClient,
    private readonly clock: () => number = Date.now,
  ) {}

  private window(): { id: number; endsInS: number } {
    const now = this.clock();
    const id = Math.floor(now / WINDOW_MS);
    return { id, endsInS: Math.ceil(((id + 1) * WINDOW_MS - now) / 1000) };
  }

  async check(username: string): Promise<ThrottleVerdict> {
    const { id, endsInS } = this.window();
    const [ok, fail] = await Promise.all([
      this.redis.get(keys.loginCount(username, "ok", id)),
      this.redis.get(keys.loginCount(username, "fail", id)),
    ]);
    const failures = Number(fail ?? 0);
    return {
      allowed: Number(ok ?? 0) < MAX_LOGINS && failures < 50,
      retryAfter: endsInS,
      // 0 for the first 3 failures, then doubling from 250 ms up to 4 s.
      delayMs: failures < 3 ? 0 : Math.min(4000, 250 * 2 ** (failures - 3)),
    };
  }

  async record(username: string, outcome: "ok" | "fail"): Promise<void> {
    const key = keys.loginCount(username, outcome, this.window().id);
    await this.redis.incr(key);
    await this.redis.pexpire(key, WINDOW_MS);
  }
}
