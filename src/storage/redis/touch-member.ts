import type { Touch } from "../../attribution/types.js";

/**
 * A touch as a sorted-set member: `ts:i|c:line_item:campaign:creative` (empty for null).
 * Re-delivering the same touch yields the same member, so it is stored once.
 */
export function encodeTouch(touch: Touch): string {
  const kind = touch.type === "imp" ? "i" : "c";
  return `${touch.ts}:${kind}:${touch.line_item_id}:${touch.campaign_id ?? ""}:${touch.creative_id ?? ""}`;
}

export function decodeTouch(member: string, userId: string, advertiserId: number): Touch | null {
  const match = /^(\d+):([ic]):(\d+):(\d*):(\d*)$/.exec(member);
  if (!match) return null;
  const [, ts, kind, li, cp, cr] = match;
  return {
    type: kind === "i" ? "imp" : "click",
    user_id: userId,
    advertiser_id: advertiserId,
    line_item_id: Number(li),
    campaign_id: cp ? Number(cp) : null,
    creative_id: cr ? Number(cr) : null,
    ts: Number(ts),
  };
}
