import { storeAttachments } from "../../storage/redis/redis-pixel-configs.js";
import type { ApiDeps } from "../api-deps.js";

/**
 * Rewrites the attachments the edge reads in each pixel document from the line items of the
 * pixel's member (src/pixels/edge-config.ts), then carries the changed configs to the edges.
 * Called after any change to a line item's pixels.
 */
export async function refreshAttachments(deps: ApiDeps, pixelIds: Iterable<number>): Promise<void> {
  const changed = await storeAttachments(deps.stores, pixelIds);
  if (changed.length) await deps.syncPixels({ pixels: changed });
}
