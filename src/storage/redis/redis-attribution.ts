import { conversionRevenue } from "../../attribution/credit.js";
import { ORDER_ID_MEMORY_MS, REPEAT_STATE_TTL_MS } from "../../attribution/limits.js";
import type { Decision, Fire, UncountedReason } from "../../attribution/types.js";
import { creditableLineItems, lookbackWindows } from "../../attribution/windows.js";
import type { EdgePixel } from "../../pixels/pixel-document.js";
import { keys } from "../keys.js";
import type { AttributionStore } from "../ports.js";
import type { RedisClient } from "./connect.js";
import { defineScript } from "./define-script.js";
import { DECIDE_FIRE_LUA } from "./scripts/decide-fire.js";
import { decodeTouch } from "./touch-member.js";

type ScriptReply = [reason: string, member: string, conversionType: "" | "click" | "view"];

/**
 * The attribution rules run inside Redis: one EVALSHA reads the user's touches and repeat
 * state and writes the new state, so concurrent fires of one user cannot double count.
 * Callers check ineligibility() first; this handles known users on eligible pixels.
 */
export class RedisAttributionStore implements AttributionStore {
  private readonly script;

  constructor(redis: RedisClient) {
    this.script = defineScript<ScriptReply>(redis, "decideFire", 3, DECIDE_FIRE_LUA);
  }

  async decide(pixel: EdgePixel, fire: Fire): Promise<Decision> {
    const { viewMs, clickMs } = lookbackWindows(pixel);
    const [reason, member, conversionType] = await this.script(
      [
        keys.touches(fire.user_id, pixel.advertiser_id),
        keys.lastConversion(fire.user_id, pixel.id),
        keys.orderIds(fire.user_id, pixel.id),
      ],
      [
        fire.ts,
        pixel.trigger_type,
        viewMs,
        clickMs,
        pixel.min_minutes_per_conv ?? "",
        fire.order_id ?? "",
        ORDER_ID_MEMORY_MS,
        REPEAT_STATE_TTL_MS,
        ...creditableLineItems(pixel),
      ],
    );
    const touch = decodeTouch(member, fire.user_id, pixel.advertiser_id);
    if (!touch || conversionType === "")
      return { attributed: false, counted: false, reason: "no_touch" };
    const credit = { conversion_type: conversionType, touch };
    if (reason === "counted") {
      const revenue = conversionRevenue(pixel, conversionType, fire);
      return { attributed: true, counted: true, reason, credit, revenue };
    }
    return { attributed: true, counted: false, reason: reason as UncountedReason, credit };
  }
}
