import type { Credit, Fire, PixelRules, Touch } from "./types.js";
import { creditableLineItems, lookbackWindows } from "./windows.js";

/**
 * Orders touches "most recent first". Equal timestamps are broken by line item, campaign and
 * creative id (higher first) so that the pure rules and the Lua script pick the same touch
 * whatever order storage returns them in.
 */
export function isMoreRecent(a: Touch, b: Touch): boolean {
  if (a.ts !== b.ts) return a.ts > b.ts;
  if (a.line_item_id !== b.line_item_id) return a.line_item_id > b.line_item_id;
  if ((a.campaign_id ?? -1) !== (b.campaign_id ?? -1))
    return (a.campaign_id ?? -1) > (b.campaign_id ?? -1);
  return (a.creative_id ?? -1) > (b.creative_id ?? -1);
}

/**
 * Picks the touch the pixel's trigger_type credits (SPEC 4.1–4.3), or null. A click id's
 * click (`fire.click`) is one more candidate under the same rules (SPEC 12): its advertiser,
 * line item and window must qualify, and it wins only if it is the most recent.
 */
export function creditedTouch(
  pixel: PixelRules,
  touches: readonly Touch[],
  fire: Fire,
): Credit | null {
  const lineItems = new Set(creditableLineItems(pixel));
  const { viewMs, clickMs } = lookbackWindows(pixel);
  let view: Touch | null = null;
  let click: Touch | null = null;
  const candidates = fire.click ? [...touches, fire.click] : touches;
  for (const touch of candidates) {
    if (touch.advertiser_id !== pixel.advertiser_id || !lineItems.has(touch.line_item_id)) continue;
    if (touch.ts > fire.ts) continue;
    const age = fire.ts - touch.ts;
    if (touch.type === "imp" && age <= viewMs && (!view || isMoreRecent(touch, view))) view = touch;
    if (touch.type === "click" && age <= clickMs && (!click || isMoreRecent(touch, click)))
      click = touch;
  }
  const wantClick = pixel.trigger_type !== "view";
  const wantView = pixel.trigger_type !== "click";
  if (wantClick && click) return { conversion_type: "click", touch: click };
  if (wantView && view) return { conversion_type: "view", touch: view };
  return null;
}

/** Revenue of a counted conversion (SPEC 4.5). */
export function conversionRevenue(
  pixel: PixelRules,
  conversionType: "click" | "view",
  fire: Fire,
): number | null {
  if (fire.value !== null) return fire.value;
  return conversionType === "click" ? pixel.post_click_value : pixel.post_view_value;
}
