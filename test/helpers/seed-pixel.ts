import type { Touch } from "../../src/attribution/types.js";
import type { PixelDocument } from "../../src/pixels/pixel-document.js";
import type { RedisClient } from "../../src/storage/redis/connect.js";
import { RedisPixelWriter } from "../../src/storage/redis/redis-pixel-configs.js";
import { RedisTouchStore } from "../../src/storage/redis/redis-touch-store.js";
import { advertiserDocument, pixelDocument } from "./documents.js";

/** Stores the default advertiser and pixel (with overrides) and some touches. */
export async function seedPixelAndTouches(
  redis: RedisClient,
  pixel: Partial<PixelDocument>,
  touches: Touch[],
): Promise<void> {
  const writer = new RedisPixelWriter(redis);
  await writer.putAdvertiser(advertiserDocument());
  await writer.putPixel(pixelDocument(pixel));
  await new RedisTouchStore(redis).record(touches);
}
