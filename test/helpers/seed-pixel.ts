import type { Touch } from "../../src/attribution/types.js";
import type { AdvertiserDocument } from "../../src/objects/documents.js";
import type { PixelFields } from "../../src/pixels/pixel-document.js";
import type { RedisClient } from "../../src/storage/redis/connect.js";
import { RedisPixelWriter } from "../../src/storage/redis/redis-pixel-configs.js";
import { RedisTouchStore } from "../../src/storage/redis/redis-touch-store.js";
import { advertiserDocument, attachedPixel, lineItemDocument, pixelDocument } from "./documents.js";

/**
 * Stores the tests' objects as seeds do, through RedisPixelWriter: advertiser 2, line item 382
 * with each of the pixels attached, and the pixels (pixel 37 unless others are given). Returns
 * the writer, for a test that changes them later.
 */
export async function seedPixels(
  redis: RedisClient,
  pixels: readonly PixelFields[] = [pixelDocument()],
  advertiser: AdvertiserDocument = advertiserDocument(),
): Promise<RedisPixelWriter> {
  const writer = new RedisPixelWriter(redis);
  await writer.putAdvertiser(advertiser);
  await writer.putLineItem(lineItemDocument({ pixels: pixels.map((p) => attachedPixel(p.id)) }));
  for (const pixel of pixels) await writer.putPixel(pixel);
  return writer;
}

/** Stores the default objects (pixel 37 with overrides) and some touches. */
export async function seedPixelAndTouches(
  redis: RedisClient,
  pixel: Partial<PixelFields>,
  touches: Touch[],
): Promise<void> {
  await seedPixels(redis, [pixelDocument(pixel)]);
  await new RedisTouchStore(redis).record(touches);
}
