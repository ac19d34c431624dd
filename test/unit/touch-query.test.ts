import { describe, expect, it } from "vitest";
import { clickTarget, impressionIdOf, parseTouchQuery } from "../../src/edge/touch-query.js";

const TS = 1_795_867_200_000;
const touchOf = (query: string) => parseTouchQuery(new URLSearchParams(query), "imp", "555", TS);

describe("parseTouchQuery", () => {
  it("reads adv, li, cp and cr", () => {
    expect(touchOf("adv=2&li=382&cp=17607&cr=9")).toEqual({
      type: "imp",
      user_id: "555",
      advertiser_id: 2,
      line_item_id: 382,
      campaign_id: 17607,
      creative_id: 9,
      ts: TS,
    });
  });

  it("campaign and creative are optional", () => {
    expect(touchOf("adv=2&li=382&cp=")).toMatchObject({ campaign_id: null, creative_id: null });
  });

  it.each([
    ["li=382"],
    ["adv=2"],
    ["adv=0&li=1"],
    ["adv=2&li=x"],
    ["adv=2&li=1&cp=-1"],
    ["adv=2&li=1&cr=1.5"],
  ])("%s describes no touch", (query) => {
    expect(touchOf(query)).toBeNull();
  });
});

describe("clickTarget", () => {
  it.each([
    ["redir=https://shop.example/landing", "https://shop.example/landing"],
    ["redir=ftp://shop.example/", null],
    ["", null],
  ])("%s lands on %j", (query, href) => {
    expect(clickTarget(new URLSearchParams(query))?.href ?? null).toBe(href);
  });
});

describe("impressionIdOf", () => {
  it.each([
    ["aid=1234567890123456789", "1234567890123456789"],
    ["aid=3f1c9a0b-77d2-e415", "3f1c9a0b-77d2-e415"],
    ["aid=a.b:c_d", "a.b:c_d"],
    ["", null],
    // An unfilled macro.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the macro is the text under test
    ["aid=${AUCTION_ID}", undefined],
    [`aid=${"a".repeat(65)}`, undefined],
    ["aid=", undefined],
  ])("%s: %j", (query, aid) => {
    expect(impressionIdOf(new URLSearchParams(query))).toBe(aid);
  });
});
