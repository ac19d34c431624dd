import type { PixelRules } from "../attribution/types.js";
import type { AdvertiserDocument } from "../objects/documents.js";
import { serializeHttpUrl } from "./http-url.js";

export interface PiggybackPixel {
  pixel_type: "img" | "js";
  url: string;
}

/**
 * A conversion pixel as the management API stores it in Redis (SPEC section 6 fields), with the
 * line items it is attached to. `line_items[].state` is the state of the attachment (the line
 * item's `pixels[].state`), which is what attribution reads.
 */
export interface PixelDocument extends PixelRules {
  id: number;
  code: string | null;
  name: string;
  member_id: number;
  piggyback_pixels: PiggybackPixel[] | null;
  pixel_conversion_event_id: number | null;
  line_items: Array<{ id: number; name: string | null; state: "active" | "inactive" }> | null;
  campaigns: Array<{ id: number }> | null;
  created_on: string;
  last_modified: string;
}

/**
 * What the edge needs to answer and attribute a fire: the pixel's rules and piggybacks and its
 * advertiser's redirect allowlist. This is what the in-process cache and Workers KV hold.
 */
export interface EdgePixel extends PixelRules {
  id: number;
  member_id: number;
  piggyback_pixels: PiggybackPixel[];
  redirect_domains: string[];
}

/** Builds the edge's view of a pixel from the stored documents. */
export function toEdgePixel(
  pixel: PixelDocument,
  advertiser: AdvertiserDocument | null,
): EdgePixel {
  return {
    id: pixel.id,
    member_id: pixel.member_id,
    advertiser_id: pixel.advertiser_id,
    state: pixel.state,
    trigger_type: pixel.trigger_type,
    min_minutes_per_conv: pixel.min_minutes_per_conv,
    post_view_expire_mins: pixel.post_view_expire_mins,
    post_click_expire_mins: pixel.post_click_expire_mins,
    post_view_value: pixel.post_view_value,
    post_click_value: pixel.post_click_value,
    line_items: (pixel.line_items ?? []).map(({ id, state }) => ({ id, state })),
    piggyback_pixels: safePiggybacks(pixel.piggyback_pixels),
    redirect_domains: safeDomains(advertiser?.redirect_domains),
  };
}

/**
 * An edge config read back from a replica (Workers KV) with its URLs and domains made safe the
 * same way, since a value written by an older version or by hand may hold anything.
 */
export function safeEdgePixel(stored: EdgePixel): EdgePixel {
  return {
    ...stored,
    piggyback_pixels: safePiggybacks(stored.piggyback_pixels),
    redirect_domains: safeDomains(stored.redirect_domains),
  };
}

/**
 * A stored piggyback list as the edge may use it, whatever was stored (an older version's raw
 * Unicode URL, a hand-edited Redis or KV value): each URL serialised, anything malformed dropped.
 */
export function safePiggybacks(stored: unknown): PiggybackPixel[] {
  if (!Array.isArray(stored)) return [];
  const safe: PiggybackPixel[] = [];
  for (const entry of stored as Array<Partial<PiggybackPixel> | null>) {
    const type = entry?.pixel_type;
    const url = serializeHttpUrl(entry?.url);
    if (url && (type === "img" || type === "js")) safe.push({ pixel_type: type, url });
  }
  return safe;
}

function safeDomains(stored: unknown): string[] {
  return Array.isArray(stored) ? stored.filter((d): d is string => typeof d === "string") : [];
}

/** How a fire names its pixel: `?id=` or `?code=&member=`. */
export type PixelRef = { id: number } | { code: string; member_id: number };

export function pixelRefKey(ref: PixelRef): string {
  return "id" in ref ? `id:${ref.id}` : `code:${ref.member_id}:${ref.code}`;
}
