import { MAX_POST_CLICK_MINS, MAX_POST_VIEW_MINS, MINUTE_MS } from "./limits.js";
import type { PixelRules } from "./types.js";

/** `0` and `null` mean the maximum lookback (SPEC 4.2). */
function lookbackMs(mins: number | null, max: number): number {
  return (mins === null || mins === 0 ? max : Math.min(mins, max)) * MINUTE_MS;
}

// A pixel config is read once and used for many fires: what is derived from it is kept with
// it (configs are never changed in place; a change is a new object).
const windows = new WeakMap<PixelRules, { viewMs: number; clickMs: number }>();
const creditable = new WeakMap<PixelRules, number[]>();

/** The pixel's post-view and post-click lookback windows in milliseconds. */
export function lookbackWindows(pixel: PixelRules): { viewMs: number; clickMs: number } {
  let found = windows.get(pixel);
  if (!found) {
    found = {
      viewMs: lookbackMs(pixel.post_view_expire_mins, MAX_POST_VIEW_MINS),
      clickMs: lookbackMs(pixel.post_click_expire_mins, MAX_POST_CLICK_MINS),
    };
    windows.set(pixel, found);
  }
  return found;
}

/** The line items whose touches may be credited: attachments whose association is active. */
export function creditableLineItems(pixel: PixelRules): readonly number[] {
  let found = creditable.get(pixel);
  if (!found) {
    found = (pixel.line_items ?? []).filter((li) => li.state === "active").map((li) => li.id);
    creditable.set(pixel, found);
  }
  return found;
}
