import type { AdvertiserDocument, LineItemDocument } from "../objects/documents.js";
import {
  type EdgePixel,
  type LegacyPixelFields,
  type PixelAttachment,
  type PixelDocument,
  type PixelFields,
  safeDomains,
  safePiggybacks,
} from "./pixel-document.js";

// The one derivation of what the edge reads about a pixel. Every writer (the API's line item
// and pixel routes, RedisPixelWriter for seeds, the bench and tests) stores pixels through
// `withAttachments`; the edge turns a stored document into its config with `toEdgePixel`.
// Campaigns are not part of it: the edge credits line items, and the API's pixel view derives
// a pixel's campaigns from the campaign service when asked.

/** The attachments of a pixel: every line item's `pixels[]` entry for it, in line item order. */
export function attachmentsOf(
  pixelId: number,
  lineItems: readonly LineItemDocument[],
): PixelAttachment[] {
  return lineItems.flatMap((li) =>
    li.pixels
      .filter((p) => p.id === pixelId)
      .map((p) => ({ line_item_id: li.id, attachment_state: p.state })),
  );
}

/**
 * The document to store for a pixel: its own fields (anything derived it carried, including
 * an older version's `line_items` and `campaigns`, dropped) with its attachments derived from
 * the line items of its member.
 */
export function withAttachments(
  pixel: PixelFields & LegacyPixelFields & { attachments?: unknown },
  lineItems: readonly LineItemDocument[],
): PixelDocument {
  const {
    line_items: _lineItems,
    campaigns: _campaigns,
    attachments: _attachments,
    ...own
  } = pixel;
  return { ...own, attachments: attachmentsOf(pixel.id, lineItems) };
}

/** The attachments a stored document holds, also when an older version wrote it. */
function storedAttachments(pixel: Partial<PixelDocument> & LegacyPixelFields): PixelAttachment[] {
  if (Array.isArray(pixel.attachments)) return pixel.attachments;
  return (pixel.line_items ?? []).map((li) => ({
    line_item_id: li.id,
    attachment_state: li.state,
  }));
}

/** Builds the edge's view of a stored pixel with its advertiser's redirect allowlist. */
export function toEdgePixel(
  pixel: PixelDocument | (PixelFields & LegacyPixelFields),
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
    // The attribution rules' `line_items[].state` is the attachment's state (PixelRules).
    line_items: storedAttachments(pixel).map((a) => ({
      id: a.line_item_id,
      state: a.attachment_state,
    })),
    piggyback_pixels: safePiggybacks(pixel.piggyback_pixels),
    redirect_domains: safeDomains(advertiser?.redirect_domains),
  };
}

/** A pixel's edge config straight from the objects: what storing them would make the edge read. */
export function edgeConfig(
  pixel: PixelFields,
  lineItems: readonly LineItemDocument[],
  advertiser: AdvertiserDocument | null,
): EdgePixel {
  return toEdgePixel(withAttachments(pixel, lineItems), advertiser);
}
