import { advertiserObject } from "../../src/api/objects/definitions/advertiser.js";
import { lineItemObject } from "../../src/api/objects/definitions/line-item.js";
import { memberObject } from "../../src/api/objects/definitions/member.js";
import type { ApiPixel } from "../../src/api/objects/definitions/pixel.js";
import { pixelObject } from "../../src/api/objects/definitions/pixel.js";
import type { Touch } from "../../src/attribution/types.js";
import type {
  AdvertiserDocument,
  LineItemDocument,
  MemberDocument,
} from "../../src/objects/documents.js";
import { edgeConfig } from "../../src/pixels/edge-config.js";
import type { PixelFields } from "../../src/pixels/pixel-document.js";
import { EdgeCopyRelay } from "../../src/storage/edge-copies/edge-copy-relay.js";
import type { StoredObject } from "../../src/storage/object-store.js";
import type { RedisClient } from "../../src/storage/redis/connect.js";
import { RedisEdgeCopies } from "../../src/storage/redis/redis-edge-copies.js";
import { RedisPixelChangeNotices } from "../../src/storage/redis/redis-pixel-change-notices.js";
import { RedisTouchStore } from "../../src/storage/redis/redis-touch-store.js";
import { SqlObjectStore } from "../../src/storage/sql/objects/sql-object-store.js";
import type { SqlClient } from "../../src/storage/sql/sql-client.js";
import { advertiserDocument, attachedPixel, lineItemDocument, pixelDocument } from "./documents.js";

/** The objects whose copies one Redis holds, so that writers made at different times agree. */
interface Model {
  advertiser: AdvertiserDocument;
  lineItems: Map<number, LineItemDocument>;
  pixels: Map<number, PixelFields>;
}
const models = new WeakMap<RedisClient, Model>();

/**
 * Writes what the edge reads of the tests' objects: their copies in Redis, derived through the
 * one derivation the relay uses (src/pixels/edge-config.ts), and tells the edges they changed,
 * as the edge copy relay does after a change in PostgreSQL. For tests of the edge alone; tests
 * that also read objects through the API seed PostgreSQL with `seedObjects`.
 */
export class EdgeCopyWriter {
  private readonly copies: RedisEdgeCopies;
  private readonly notices: RedisPixelChangeNotices;
  private readonly model: Model;

  constructor(redis: RedisClient) {
    this.copies = new RedisEdgeCopies(redis);
    this.notices = new RedisPixelChangeNotices(redis);
    let model = models.get(redis);
    if (!model) {
      model = { advertiser: advertiserDocument(), lineItems: new Map(), pixels: new Map() };
      models.set(redis, model);
    }
    this.model = model;
  }

  async putAdvertiser(advertiser: AdvertiserDocument): Promise<void> {
    this.model.advertiser = advertiser;
    await this.copies.putAdvertiser({
      id: advertiser.id,
      member_id: advertiser.member_id,
      state: advertiser.state,
      append_click_id: advertiser.append_click_id === true,
    });
    for (const pixel of this.model.pixels.values()) await this.write(pixel);
    await this.notices.announce("*");
  }

  async putLineItem(lineItem: LineItemDocument): Promise<void> {
    const before = this.model.lineItems.get(lineItem.id)?.pixels ?? [];
    this.model.lineItems.set(lineItem.id, lineItem);
    for (const { id } of [...before, ...lineItem.pixels]) {
      const pixel = this.model.pixels.get(id);
      if (pixel) await this.write(pixel);
    }
  }

  /** A pixel's own fields; its attachments come from the line items written. */
  async putPixel(pixel: PixelFields): Promise<void> {
    this.model.pixels.set(pixel.id, pixel);
    await this.write(pixel);
  }

  private async write(pixel: PixelFields): Promise<void> {
    const config = edgeConfig(pixel, [...this.model.lineItems.values()], this.model.advertiser);
    await this.copies.putPixel(config, pixel.code);
    await this.notices.announce(pixel.id);
  }
}

/**
 * The edge's copies of advertiser 2 (or `advertiser`), line item 382 with each of the pixels
 * attached, and the pixels (pixel 37 unless others are given). Returns the writer, for a test
 * that changes them later.
 */
export async function seedPixels(
  redis: RedisClient,
  pixels: readonly PixelFields[] = [pixelDocument()],
  advertiser: AdvertiserDocument = advertiserDocument(),
): Promise<EdgeCopyWriter> {
  const writer = new EdgeCopyWriter(redis);
  await writer.putAdvertiser(advertiser);
  await writer.putLineItem(lineItemDocument({ pixels: pixels.map((p) => attachedPixel(p.id)) }));
  for (const pixel of pixels) await writer.putPixel(pixel);
  return writer;
}

/** The default objects' copies (pixel 37 with overrides) and some touches. */
export async function seedPixelAndTouches(
  redis: RedisClient,
  pixel: Partial<PixelFields>,
  touches: Touch[],
): Promise<void> {
  await seedPixels(redis, [pixelDocument(pixel)]);
  await new RedisTouchStore(redis).record(touches);
}

/**
 * The tests' objects in PostgreSQL, the system of record, with their fixture ids (member 1,
 * advertiser 2, line item 382 with the pixels attached, pixel 37 unless others are given), and
 * their copies written to Redis by the real edge copy relay.
 */
export async function seedObjects(
  sql: SqlClient,
  redis: RedisClient,
  pixels: readonly PixelFields[] = [pixelDocument()],
  advertiser: AdvertiserDocument = advertiserDocument(),
): Promise<void> {
  const stamps = { created_on: advertiser.created_on, last_modified: advertiser.last_modified };
  await new SqlObjectStore<MemberDocument & StoredObject>(sql, memberObject.table).put({
    id: advertiser.member_id,
    member_id: advertiser.member_id,
    name: "Member",
    ...stamps,
  });
  await new SqlObjectStore<AdvertiserDocument>(sql, advertiserObject.table).put({
    ...advertiser,
    append_click_id: advertiser.append_click_id ?? false,
  });
  const pixelStore = new SqlObjectStore<ApiPixel>(sql, pixelObject.table);
  for (const pixel of pixels)
    await pixelStore.put({
      ...pixel,
      line_items: null,
      campaigns: null,
      pixel_conversion_event: null,
    });
  await new SqlObjectStore<LineItemDocument>(sql, lineItemObject.table).put(
    lineItemDocument({ pixels: pixels.map((p) => attachedPixel(p.id)) }),
  );
  await new EdgeCopyRelay(
    sql,
    [new RedisEdgeCopies(redis)],
    new RedisPixelChangeNotices(redis),
    () => {},
  ).flush();
}
