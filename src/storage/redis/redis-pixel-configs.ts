import type {
  AdvertiserDocument,
  CampaignDocument,
  LineItemDocument,
  MemberDocument,
} from "../../objects/documents.js";
import {
  type EdgePixel,
  type PixelDocument,
  type PixelRef,
  toEdgePixel,
} from "../../pixels/pixel-document.js";
import { keys, PIXEL_CHANGES_CHANNEL } from "../keys.js";
import type { PixelConfigSource } from "../ports.js";
import type { RedisClient } from "./connect.js";

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
    const pixel = JSON.parse(pixelJson) as PixelDocument;
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
 * Writes the documents the edge reads. The management API owns these objects; this is the
 * write path it (and `npm run seed-demo`) uses, and it tells every edge the pixel changed.
 */
export class RedisPixelWriter {
  constructor(private readonly redis: RedisClient) {}

  /** A new id for an object type, e.g. `nextId("pixel")`. */
  async nextId(
    type: "member" | "advertiser" | "line-item" | "campaign" | "pixel",
  ): Promise<number> {
    return this.redis.incr(keys.sequence(type));
  }

  async putMember(member: MemberDocument): Promise<void> {
    await this.redis.set(keys.member(member.id), JSON.stringify(member));
  }

  async putLineItem(lineItem: LineItemDocument): Promise<void> {
    await this.redis.set(keys.lineItem(lineItem.id), JSON.stringify(lineItem));
  }

  async putCampaign(campaign: CampaignDocument): Promise<void> {
    await this.redis.set(keys.campaign(campaign.id), JSON.stringify(campaign));
  }

  async putAdvertiser(advertiser: AdvertiserDocument): Promise<void> {
    await this.redis.set(keys.advertiser(advertiser.id), JSON.stringify(advertiser));
    await this.redis.publish(PIXEL_CHANGES_CHANNEL, "*");
  }

  async putPixel(pixel: PixelDocument): Promise<void> {
    await this.redis.set(keys.pixel(pixel.id), JSON.stringify(pixel));
    if (pixel.code !== null)
      await this.redis.set(keys.pixelByCode(pixel.member_id, pixel.code), String(pixel.id));
    await this.redis.publish(PIXEL_CHANGES_CHANNEL, String(pixel.id));
  }
}
