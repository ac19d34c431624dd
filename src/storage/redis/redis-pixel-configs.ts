import type {
  AdvertiserDocument,
  CampaignDocument,
  LineItemDocument,
  MemberDocument,
} from "../../objects/documents.js";
import { toEdgePixel, withAttachments } from "../../pixels/edge-config.js";
import type {
  EdgePixel,
  LegacyPixelFields,
  PixelDocument,
  PixelFields,
  PixelRef,
} from "../../pixels/pixel-document.js";
import { keys, PIXEL_CHANGES_CHANNEL } from "../keys.js";
import type { PixelConfigSource } from "../ports.js";
import type { RedisClient } from "./connect.js";
import { RedisObjectStore } from "./redis-object-store.js";

/**
 * Pixel configs from Redis, the source of truth: the pixel document (found by id, or by
 * member and code) joined with its advertiser's redirect allowlist.
 */
export class RedisPixelConfigs implements PixelConfigSource {
  constructor(private readonly redis: RedisClient) {}

  async get(ref: PixelRef): Promise<EdgePixel | null> {
    const id = "id" in ref ? ref.id : await this.idByCode(ref.member_id, ref.code);
    if (id === null) return null;
    const pixelJson = await this.redis.get(keys.pixel(id));
    if (!pixelJson) return null;
    const pixel = JSON.parse(pixelJson) as PixelDocument | (PixelFields & LegacyPixelFields);
    if ("member_id" in ref && pixel.member_id !== ref.member_id) return null;
    const advertiserJson = await this.redis.get(keys.advertiser(pixel.advertiser_id));
    const advertiser = advertiserJson ? (JSON.parse(advertiserJson) as AdvertiserDocument) : null;
    return toEdgePixel(pixel, advertiser);
  }

  private async idByCode(memberId: number, code: string): Promise<number | null> {
    const id = await this.redis.get(keys.pixelByCode(memberId, code));
    return id === null ? null : Number(id);
  }
}

/**
 * Rewrites the stored attachments of these pixels (those that exist) from the line items of
 * their members, and returns the rewritten documents. The one write path of attachments: the
 * API's line item routes and RedisPixelWriter call it after a line item's pixels change.
 */
export async function storeAttachments(
  stores: {
    pixels: RedisObjectStore<PixelDocument>;
    lineItems: RedisObjectStore<LineItemDocument>;
  },
  pixelIds: Iterable<number>,
): Promise<PixelDocument[]> {
  const pixels = await stores.pixels.getMany([...new Set(pixelIds)]);
  const updated: PixelDocument[] = [];
  // Pixels of one change share a member: read its line items once.
  const lineItemsOf = new Map<number, LineItemDocument[]>();
  for (const pixel of pixels) {
    let lineItems = lineItemsOf.get(pixel.member_id);
    if (!lineItems) {
      lineItems = await stores.lineItems.list(pixel.member_id);
      lineItemsOf.set(pixel.member_id, lineItems);
    }
    const stored = withAttachments(pixel, lineItems);
    await stores.pixels.put(stored, pixel);
    updated.push(stored);
  }
  return updated;
}

/**
 * Writes the documents the edge reads, with the indexes the management API lists them by.
 * The API owns these objects; this is the write path of `npm run seed-demo`, the bench and
 * tests, and it tells every edge a pixel changed. Like the API, it derives what the edge reads
 * (src/pixels/edge-config.ts): a pixel's attachments come from the stored line items, whichever
 * of the two is written first.
 */
export class RedisPixelWriter {
  private readonly stores;

  constructor(private readonly redis: RedisClient) {
    this.stores = {
      member: new RedisObjectStore<MemberDocument & { member_id: number }>(redis, "member"),
      advertiser: new RedisObjectStore<AdvertiserDocument>(redis, "advertiser"),
      "line-item": new RedisObjectStore<LineItemDocument>(
        redis,
        "line-item",
        (li) => li.advertiser_id,
      ),
      campaign: new RedisObjectStore<CampaignDocument>(redis, "campaign", (cp) => cp.advertiser_id),
      pixel: new RedisObjectStore<PixelDocument>(redis, "pixel"),
    };
  }

  /** A new id for an object type, e.g. `nextId("pixel")`. */
  nextId(type: keyof RedisPixelWriter["stores"]): Promise<number> {
    return this.stores[type].nextId();
  }

  async putMember(member: MemberDocument): Promise<void> {
    const store = this.stores.member;
    await store.put({ ...member, member_id: member.id }, await store.get(member.id));
  }

  async putLineItem(lineItem: LineItemDocument): Promise<void> {
    const previous = await this.stores["line-item"].get(lineItem.id);
    await this.stores["line-item"].put(lineItem, previous);
    const pixelIds = [...(previous?.pixels ?? []), ...lineItem.pixels].map((p) => p.id);
    const lineItems = this.stores["line-item"];
    for (const pixel of await storeAttachments({ pixels: this.stores.pixel, lineItems }, pixelIds))
      await this.redis.publish(PIXEL_CHANGES_CHANNEL, String(pixel.id));
  }

  async putCampaign(campaign: CampaignDocument): Promise<void> {
    await this.stores.campaign.put(campaign, await this.stores.campaign.get(campaign.id));
  }

  async putAdvertiser(advertiser: AdvertiserDocument): Promise<void> {
    await this.stores.advertiser.put(advertiser, await this.stores.advertiser.get(advertiser.id));
    await this.redis.publish(PIXEL_CHANGES_CHANNEL, "*");
  }

  /** Stores a pixel's own fields; its attachments are derived from the stored line items. */
  async putPixel(fields: PixelFields): Promise<void> {
    const pixel = withAttachments(fields, await this.stores["line-item"].list(fields.member_id));
    if (!(await this.stores.pixel.put(pixel, await this.stores.pixel.get(pixel.id))))
      throw new Error(`pixel code ${pixel.code} is taken in member ${pixel.member_id}`);
    await this.redis.publish(PIXEL_CHANGES_CHANNEL, String(pixel.id));
  }
}
