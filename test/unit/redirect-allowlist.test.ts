import { describe, expect, it } from "vitest";
import { isAllowedRedirect } from "../../src/edge/redirect-allowlist.js";
import type { EdgePixel } from "../../src/pixels/pixel-document.js";
import { edgePixel } from "../helpers/documents.js";

const pixel = (redirect_domains: string[], piggybacks: string[] = []): EdgePixel =>
  edgePixel({
    redirect_domains,
    piggyback_pixels: piggybacks.map((url) => ({ pixel_type: "img", url })),
  });

describe("isAllowedRedirect", () => {
  it.each([
    ["https://shop.example/thanks", ["shop.example"], true],
    ["https://www.shop.example/", ["shop.example"], true],
    ["https://SHOP.example/", [" Shop.Example "], true],
    ["https://a.shop.example/", ["*.shop.example"], true],
    ["https://a.shop.example/", [".shop.example"], true],
    ["https://evilshop.example/", ["shop.example"], false],
    ["https://shop.example.evil.test/", ["shop.example"], false],
    ["https://shop.example/", [], false],
    ["https://shop.example/", [""], false],
    ["https://shop.example/", ["*."], false],
  ])("%s with %j: %s", (url, domains, allowed) => {
    expect(isAllowedRedirect(new URL(url), pixel(domains))).toBe(allowed);
  });

  it("also allows the host of one of the pixel's piggybacks, exactly", () => {
    const p = pixel([], ["https://tags.example/p.gif", "not a url"]);
    expect(isAllowedRedirect(new URL("https://tags.example/other"), p)).toBe(true);
    expect(isAllowedRedirect(new URL("https://x.tags.example/"), p)).toBe(false);
  });

  it("allows nothing for an unknown pixel", () => {
    expect(isAllowedRedirect(new URL("https://shop.example/"), null)).toBe(false);
  });
});
