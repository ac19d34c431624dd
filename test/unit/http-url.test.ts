import { describe, expect, it } from "vitest";
import { isVisibleAscii, parseHttpUrl, serializeHttpUrl } from "../../src/pixels/http-url.js";
import { safePiggybacks } from "../../src/pixels/pixel-document.js";

describe("parseHttpUrl", () => {
  it.each([
    ["https://shop.example/a?b=1", "https://shop.example/a?b=1"],
    ["http://shop.example", "http://shop.example/"],
    ["HTTPS://Shop.Example/", "https://shop.example/"],
    ["javascript:alert(1)", null],
    ["data:text/html,hi", null],
    ["ftp://shop.example/", null],
    ["/relative", null],
    ["", null],
    [null, null],
    [undefined, null],
  ])("%j: %j", (text, href) => {
    expect(parseHttpUrl(text)?.href ?? null).toBe(href);
  });

  it("takes 2048 characters at most, unless told otherwise", () => {
    const url = `https://shop.example/${"a".repeat(2048 - 21)}`;
    expect(url).toHaveLength(2048);
    expect(parseHttpUrl(url)).not.toBeNull();
    expect(parseHttpUrl(`${url}a`)).toBeNull();
    expect(parseHttpUrl(`${url}a`, 4096)).not.toBeNull();
  });
});

describe("serializeHttpUrl", () => {
  it.each([
    ["https://t.example/p?q=привет", "https://t.example/p?q=%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82"],
    ["https://bücher.example/", "https://xn--bcher-kva.example/"],
    ['https://t.example/"quoted"', "https://t.example/%22quoted%22"],
    ["https://t.example/a b", "https://t.example/a%20b"],
    ["mailto:a@b.example", null],
    [42, null],
    [null, null],
  ])("%j: %j", (text, expected) => {
    expect(serializeHttpUrl(text)).toBe(expected);
  });

  it("has no length bound of its own (the API bounds what it stores)", () => {
    expect(serializeHttpUrl(`https://t.example/${"a".repeat(5000)}`)).not.toBeNull();
  });
});

describe("isVisibleAscii", () => {
  it.each([
    ["https://t.example/", true],
    ["", true],
    ["a b", false],
    ["tab\there", false],
    ["é", false],
    ["\u0100", false],
  ])("%j: %s", (value, visible) => {
    expect(isVisibleAscii(value)).toBe(visible);
  });
});

describe("safePiggybacks", () => {
  it("serialises each stored URL and drops whatever is malformed", () => {
    expect(
      safePiggybacks([
        { pixel_type: "img", url: "https://t.example/ü.gif" },
        { pixel_type: "js", url: "https://t.example/p.js" },
        { pixel_type: "iframe", url: "https://t.example/" },
        { pixel_type: "img", url: "javascript:alert(1)" },
        { pixel_type: "img" },
        null,
      ]),
    ).toEqual([
      { pixel_type: "img", url: "https://t.example/%C3%BC.gif" },
      { pixel_type: "js", url: "https://t.example/p.js" },
    ]);
  });

  it.each([[null], [undefined], ["https://t.example/"], [{}]])("%j is no piggyback", (stored) => {
    expect(safePiggybacks(stored)).toEqual([]);
  });
});
