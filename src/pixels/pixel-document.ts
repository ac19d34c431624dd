import type { PixelRules } from "../attribution/types.js";
import { serializeHttpUrl } from "./http-url.js";

export interface PiggybackPixel {
  pixel_type: "img" | "js";
  url: string;
}

/**
 * A line item's attachment of a pixel: the line item's `pixels[]` entry seen from the pixel.
 * `attachment_state` is that entry's state, not the line item's own `state` (which the API's
 * pixel view shows as `line_items[].state`).
 */
export interface PixelAttachment {
  line_item_id: number;
  attachment_state: "active" | "inactive";
}

/** A conversion pixel's own fields (SPEC section 6), what a client writes. */
export interface PixelFields extends Omit<PixelRules, "line_items"> {
  id: number;
  code: string | null;
  name: string;
  member_id: number;
  piggyback_pixels: PiggybackPixel[] | null;
  pixel_conversion_event_id: number | null;
  created_on: string;
  last_modified: string;
}

/**
 * A conversion pixel as stored in Redis: its own fields and its attachments, derived from the
 * line items by src/pixels/edge-config.ts whenever a line item's pixels change. The API shows
 * `line_items` and `campaigns` derived afresh (src/api/objects/pixel-view.ts).
 */
export interface PixelDocument extends PixelFields {
  attachments: PixelAttachment[];
}

/**
 * What versions before `attachments` stored: the attachments as `line_items[]` (with the
 * attachment's state as `state`) and an empty `campaigns`. Read, never written.
 */
export interface LegacyPixelFields {
  line_items?: Array<{ id: number; state: "active" | "inactive" }> | null;
  campaigns?: unknown;
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

export function safeDomains(stored: unknown): string[] {
  return Array.isArray(stored) ? stored.filter((d): d is string => typeof d === "string") : [];
}

/** How a fire names its pixel: `?id=` or `?code=&member=`. */
export type PixelRef = { id: number } | { code: string; member_id: number };

export function pixelRefKey(ref: PixelRef): string {
  return "id" in ref ? `id:${ref.id}` : `code:${ref.member_id}:${ref.code}`;
}
