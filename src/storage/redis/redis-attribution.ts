import { conversionRevenue } from "../../attribution/credit.js";
import {
  DAY_MS,
  EVENT_ID_MEMORY_MS,
  ORDER_ID_MEMORY_MS,
  REPEAT_STATE_TTL_MS,
} from "../../attribution/limits.js";
import type { Decision, Fire, UncountedReason } from "../../attribution/types.js";
import { creditableLineItems, lookbackWindows } from "../../attribution/windows.js";
import type { EdgePixel } from "../../pixels/pixel-document.js";
import { keys } from "../keys.js";
import type { AttributionStore, DecidedFire } from "../ports.js";
import type { RedisClient } from "./connect.js";
import { defineScript, type ScriptArg } from "./define-script.js";
import { eventKey, fireKey } from "./fire-key.js";
import { DECIDE_FIRES_LUA, FORGET_DECISIONS_LUA } from "./scripts/decide-fire.js";
import { bySlot } from "./slot-groups.js";
import { decodeTouch, encodeTouch } from "./touch-member.js";

/**
 * How long Redis remembers a decision its batch was never stored with (a process that ended
 * between deciding and storing, a batch lost with a full spool): a decision is normally
 * forgotten as soon as its batch is stored, and one still waiting in a spool is replayed long
 * before this.
 */
export const DECISION_MEMORY_MS = 7 * DAY_MS;

/** The hash that remembers a fire's decision (one per user, pixel and day of fire time). */
const decisionsKey = (userId: string, pixelId: number, ts: number) =>
  keys.decisions(userId, pixelId, Math.floor(ts / DAY_MS));

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
  private readonly forgetScript;

  constructor(private readonly redis: RedisClient) {
    this.script = defineScript<string[]>(redis, "decideFires", DECIDE_FIRES_LUA);
    this.forgetScript = defineScript<number>(redis, "forgetDecisions", FORGET_DECISIONS_LUA);
  }

  async forget(fires: readonly DecidedFire[]): Promise<void> {
    const groups = bySlot(this.redis, fires, ({ pixelId, fire }) =>
      decisionsKey(fire.user_id, pixelId, fire.ts),
    );
    await Promise.all(
      groups.map((group) =>
        this.forgetScript(
          group.map(({ pixelId, fire }) => decisionsKey(fire.user_id, pixelId, fire.ts)),
          group.map(({ fire }) => fireKey(fire.id)),
        ),
      ),
    );
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
    const args: ScriptArg[] = [
      ORDER_ID_MEMORY_MS,
      REPEAT_STATE_TTL_MS,
      EVENT_ID_MEMORY_MS,
      DECISION_MEMORY_MS,
    ];
    for (const { pixel, fire } of group) {
      scriptKeys.push(
        keys.touches(fire.user_id, pixel.advertiser_id),
        keys.repeatState(fire.user_id, pixel.id),
        decisionsKey(fire.user_id, pixel.id, fire.ts),
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
