import type { PixelDocument } from "../../pixels/pixel-document.js";
import type { ApiDeps } from "../api-deps.js";

/**
 * Rewrites the `line_items` the edge reads in each pixel document (the attachments, with the
 * association's state) from the line items of the pixel's member, then carries the changed
 * configs to the edges. Called after any change to a line item's pixels.
 */
export async function refreshAttachments(deps: ApiDeps, pixelIds: Iterable<number>): Promise<void> {
  const pixels = (await deps.stores.pixels.getMany([...new Set(pixelIds)])) as PixelDocument[];
  const changed: PixelDocument[] = [];
  // Pixels of one change share a member: read its line items once.
  const lineItemsOf = new Map<number, Awaited<ReturnType<typeof deps.stores.lineItems.list>>>();
  for (const pixel of pixels) {
    let lineItems = lineItemsOf.get(pixel.member_id);
    if (!lineItems) {
      lineItems = await deps.stores.lineItems.list(pixel.member_id);
      lineItemsOf.set(pixel.member_id, lineItems);
    }
    const attachments = lineItems.flatMap((li) =>
      li.pixels
        .filter((p) => p.id === pixel.id)
        .map((p) => ({ id: li.id, name: li.name, state: p.state })),
    );
    const updated = { ...pixel, line_items: attachments };
    await deps.stores.pixels.put(updated, pixel);
    changed.push(updated);
  }
  if (changed.length) await deps.syncPixels({ pixels: changed });
}
