import {
  DAY_MS,
  TOUCH_HISTORY_MAX_AGE_MS,
  TOUCH_HISTORY_MAX_COUNT,
} from "../../attribution/limits.js";
import type { Touch } from "../../attribution/types.js";
import { keys } from "../keys.js";
import type { TouchStore } from "../ports.js";
import type { RedisClient } from "./connect.js";
import { defineScript, type ScriptArg } from "./define-script.js";
import { RECORD_TOUCH_LUA } from "./scripts/record-touch.js";
import { bySlot } from "./slot-groups.js";
import { encodeTouch } from "./touch-member.js";

/** Touch history in one sorted set per user and advertiser (score = touch time). */
export class RedisTouchStore implements TouchStore {
  private readonly recordScript;

  constructor(
    private readonly redis: RedisClient,
    private readonly clock: () => number = Date.now,
  ) {
    this.recordScript = defineScript<number>(redis, "recordTouches", RECORD_TOUCH_LUA);
  }

  /** Records touches: one script call for the batch (one per hash slot on Cluster). */
  async record(touches: readonly Touch[]): Promise<void> {
    const byHistory = new Map<string, Touch[]>();
    for (const touch of touches) {
      const key = keys.touches(touch.user_id, touch.advertiser_id);
      const list = byHistory.get(key);
      if (list) list.push(touch);
      else byHistory.set(key, [touch]);
    }
    const oldest = this.clock() - TOUCH_HISTORY_MAX_AGE_MS;
    // The key outlives its newest touch by the longest lookback, then disappears by itself.
    const ttl = TOUCH_HISTORY_MAX_AGE_MS + DAY_MS;
    const parts = bySlot(this.redis, [...byHistory], ([key]) => key);
    await Promise.all(
      parts.map((part) => {
        const args: ScriptArg[] = [TOUCH_HISTORY_MAX_COUNT, oldest, ttl];
        for (const [, list] of part) {
          args.push(list.length);
          for (const touch of list) args.push(touch.ts, encodeTouch(touch));
        }
        return this.recordScript(
          part.map(([key]) => key),
          args,
        );
      }),
    );
  }
}
