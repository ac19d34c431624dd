import { conversionRevenue } from "../../attribution/credit.js";
import {
  EVENT_ID_MEMORY_MS,
  ORDER_ID_MEMORY_MS,
  REPEAT_STATE_TTL_MS,
} from "../../attribution/limits.js";
import type { Decision, Fire, UncountedReason } from "../../attribution/types.js";
import { creditableLineItems, lookbackWindows } from "../../attribution/windows.js";
import type { EdgePixel } from "../../pixels/pixel-document.js";
import { keys } from "../keys.js";
import type { AttributionStore } from "../ports.js";
import type { RedisClient } from "./connect.js";
import { defineScript, type ScriptArg } from "./define-script.js";
import { eventKey, fireKey } from "./fire-key.js";
import { DECIDE_FIRES_LUA } from "./scripts/decide-fire.js";
import { bySlot } from "./slot-groups.js";
import { decodeTouch, encodeTouch } from "./touch-member.js";

interface Pending {
  pixel: EdgePixel;
  /** The id makes deciding the same fire twice give the same answer. */
  fire: Fire & { id: string };
}

/**
 * The attribution rules run inside Redis: one EVALSHA reads the users' touches and repeat
 * state and writes the new state, so concurrent fires of one user cannot double count. A
 * batch takes one call (one per hash slot on Cluster).
 * Callers check ineligibility() first; this handles known users on eligible pixels.
 */
export class RedisAttributionStore implements AttributionStore {
  private readonly script;

  constructor(private readonly redis: RedisClient) {
    this.script = defineScript<string[]>(redis, "decideFires", DECIDE_FIRES_LUA);
  }

  async decide(items: readonly Pending[]): Promise<Decision[]> {
    const groups = bySlot(this.redis, items, ({ pixel, fire }) =>
      keys.touches(fire.user_id, pixel.advertiser_id),
    );
    const decided = new Map<Pending, Decision>();
    await Promise.all(
      groups.map(async (group) => {
        const reply = await this.callScript(group);
        for (const [i, item] of group.entries())
          decided.set(item, toDecision(item, reply.slice(3 * i, 3 * i + 3)));
      }),
    );
    return items.map((item) => decided.get(item) as Decision);
  }

  private callScript(group: readonly Pending[]): Promise<string[]> {
    const scriptKeys: string[] = [];
    const args: ScriptArg[] = [ORDER_ID_MEMORY_MS, REPEAT_STATE_TTL_MS, EVENT_ID_MEMORY_MS];
    for (const { pixel, fire } of group) {
      scriptKeys.push(
        keys.touches(fire.user_id, pixel.advertiser_id),
        keys.repeatState(fire.user_id, pixel.id),
      );
      const { viewMs, clickMs } = lookbackWindows(pixel);
      const lineItems = creditableLineItems(pixel);
      const event = fire.event_id ? eventKey(fire.event_id) : "";
      // Another advertiser's click never qualifies: the script need not know advertisers.
      const click = fire.click;
      const clicked =
        click && click.type === "click" && click.advertiser_id === pixel.advertiser_id
          ? encodeTouch(click)
          : "";
      args.push(
        `${fireKey(fire.id)}|${fire.ts}|${pixel.trigger_type}|${viewMs}|${clickMs}|${pixel.min_minutes_per_conv ?? ""}|${fire.order_id ?? ""}|${event}|${clicked}|${lineItems.join(",")}`,
      );
    }
    return this.script(scriptKeys, args);
  }
}

function toDecision({ pixel, fire }: Pending, [reason, member, type]: string[]): Decision {
  const touch = decodeTouch(member ?? "", fire.user_id, pixel.advertiser_id);
  if (!touch || (type !== "click" && type !== "view"))
    return { attributed: false, counted: false, reason: "no_touch" };
  const credit = {
    conversion_type: type === "click" ? ("click" as const) : ("view" as const),
    touch,
  };
  if (reason === "counted") {
    const revenue = conversionRevenue(pixel, credit.conversion_type, fire);
    return { attributed: true, counted: true, reason, credit, revenue };
  }
  return { attributed: true, counted: false, reason: reason as UncountedReason, credit };
}
