import { describe, expect, it } from "vitest";
import { parsePixelQuery } from "../../src/edge/pixel-query.js";

const parse = (query: string) => parsePixelQuery(Object.fromEntries(new URLSearchParams(query)));

describe("parsePixelQuery", () => {
  it("reads a full /px request", () => {
    expect(
      parse("id=37&t=1&order_id=A-1&value=49.90&other=basket&redir=https://shop.example/&gpc=1"),
    ).toEqual({
      pixel: { id: 37 },
      format: "js",
      orderId: "A-1",
      value: 49.9,
      other: "basket",
      redir: new URL("https://shop.example/"),
      gpc: true,
      clickId: null,
      eventId: null,
    });
  });

  it.each([
    ["id=37", { id: 37 }],
    ["id=37&code=x&member=1", { id: 37 }],
    ["code=thanks&member=1", { code: "thanks", member_id: 1 }],
    ["id=0", null],
    ["id=037", null],
    ["id=1234567890123456", null],
    ["id=abc", null],
    ["code=thanks", null],
    ["code=thanks&member=x", null],
    [`code=${"c".repeat(101)}&member=1`, null],
    ["", null],
  ])("%s names the pixel %j", (query, pixel) => {
    expect(parse(query).pixel).toEqual(pixel);
  });

  it.each([
    ["t=1", "js"],
    ["t=2", "img"],
    ["", "img"],
  ])("%s is the %s format", (query, format) => {
    expect(parse(query).format).toBe(format);
  });

  it.each([
    ["order_id=A_1-b", "A_1-b"],
    [`order_id=${"a".repeat(36)}`, "a".repeat(36)],
    [`order_id=${"a".repeat(37)}`, null],
    ["order_id=a b", null],
    ["order_id=", null],
  ])("%s keeps order id %j", (query, orderId) => {
    expect(parse(query).orderId).toBe(orderId);
  });

  it.each([
    ["value=10", 10],
    ["value=0.5", 0.5],
    ["value=-1", null],
    ["value=1e3", null],
    ["value=.5", null],
    ["value=1.12345678901", null],
  ])("%s keeps value %j", (query, value) => {
    expect(parse(query).value).toBe(value);
  });

  it("strips control characters from other and keeps 30 characters of it", () => {
    expect(parse(`other=${encodeURIComponent("a\u0000b\nc")}`).other).toBe("abc");
    expect(parse(`other=${"ü".repeat(40)}`).other).toBe("ü".repeat(30));
    expect(parse(`other=${encodeURIComponent("\u0001")}`).other).toBeNull();
  });

  it.each([
    ["redir=https://shop.example/x", "https://shop.example/x"],
    ["redir=javascript:alert(1)", null],
    ["redir=//shop.example/", null],
  ])("%s redirects to %j", (query, href) => {
    expect(parse(query).redir?.href ?? null).toBe(href);
  });

  it("drops a malformed optional parameter without dropping the fire", () => {
    expect(parse("id=37&value=lots&order_id=%3Cx%3E&gpc=yes")).toMatchObject({
      pixel: { id: 37 },
      value: null,
      orderId: null,
      gpc: false,
    });
  });
});
