import { EVENT_ID_MEMORY_MS, MINUTE_MS, ORDER_ID_MEMORY_MS } from "./limits.js";
import type { Fire, PixelRules, RepeatState, UncountedReason } from "./types.js";

/** Why an attributed fire is not counted (SPEC 4.4), or null when it counts. */
export function repeatRefusal(
  pixel: PixelRules,
  state: RepeatState,
  fire: Fire,
): UncountedReason | null {
  // Either way round: a server event may be back-dated before the browser fire it repeats.
  if (fire.event_id) {
    const countedAt = state.event_ids.get(fire.event_id);
    if (countedAt !== undefined && Math.abs(fire.ts - countedAt) <= EVENT_ID_MEMORY_MS)
      return "duplicate_event";
  }
  if (fire.order_id !== null) {
    const countedAt = state.order_ids.get(fire.order_id);
    if (countedAt !== undefined && fire.ts - countedAt <= ORDER_ID_MEMORY_MS)
      return "duplicate_order";
  }
  const last = state.last_conversion_ts;
  if (last === null) return null;
  const min = pixel.min_minutes_per_conv;
  if (min === null) return "repeat_user";
  if (fire.ts - last < min * MINUTE_MS) return "repeat_interval";
  return null;
}

/** The repeat state after a conversion was counted. */
export function afterCounted(state: RepeatState, fire: Fire): RepeatState {
  const orderIds = new Map(state.order_ids);
  if (fire.order_id !== null) orderIds.set(fire.order_id, fire.ts);
  const eventIds = new Map(state.event_ids);
  if (fire.event_id) eventIds.set(fire.event_id, fire.ts);
  const last = state.last_conversion_ts;
  return {
    last_conversion_ts: last === null ? fire.ts : Math.max(last, fire.ts),
    order_ids: orderIds,
    event_ids: eventIds,
  };
}
