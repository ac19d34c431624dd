import { describe, expect, it } from "vitest";
import { attachmentsOf, toEdgePixel, withAttachments } from "../../src/pixels/edge-config.js";
import {
  advertiserDocument,
  attachedPixel,
  edgePixel,
  lineItemDocument,
  pixelDocument,
} from "../helpers/documents.js";

describe("a pixel's edge config", () => {
  const lineItems = [
    lineItemDocument(),
    // The line item is inactive but the attachment is active: the attachment's state counts.
    lineItemDocument({
      id: 400,
      state: "inactive",
      pixels: [attachedPixel(38), attachedPixel(37)],
    }),
    lineItemDocument({ id: 401, pixels: [{ ...attachedPixel(37), state: "inactive" }] }),
  ];

  it("takes the attachments from every line item's pixels, with the attachment's state", () => {
    expect(attachmentsOf(37, lineItems)).toEqual([
      { line_item_id: 382, attachment_state: "active" },
      { line_item_id: 400, attachment_state: "active" },
      { line_item_id: 401, attachment_state: "inactive" },
    ]);
    expect(attachmentsOf(39, lineItems)).toEqual([]);
  });

  it("is what the edge reads of the stored document", () => {
    const stored = withAttachments(pixelDocument(), lineItems);
    expect(toEdgePixel(stored, advertiserDocument()).line_items).toEqual([
      { id: 382, state: "active" },
      { id: 400, state: "active" },
      { id: 401, state: "inactive" },
    ]);
  });

  it("drops what an older version stored and reads its line_items as attachments", () => {
    const legacy = {
      ...pixelDocument(),
      line_items: [{ id: 382, name: "Line Item", state: "active" as const }],
      campaigns: [],
    };
    expect(toEdgePixel(legacy, advertiserDocument())).toEqual(edgePixel());
    const rewritten = withAttachments(legacy, [lineItemDocument()]);
    expect(rewritten).not.toHaveProperty("line_items");
    expect(rewritten).not.toHaveProperty("campaigns");
    expect(toEdgePixel(rewritten, advertiserDocument())).toEqual(edgePixel());
  });
});
