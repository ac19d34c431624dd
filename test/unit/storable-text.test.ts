import { describe, expect, it } from "vitest";
import { unstorableText } from "../../src/fields/storable-text.js";

describe("unstorableText", () => {
  it.each([
    [""],
    ["order-42"],
    ["ünïcødé, 中文, emoji 😀 (a surrogate pair)"],
    ["tabs\tand\nnewlines and \u007f"],
    ["\uFFFD and \uFFFF"],
  ])("lets %j through", (text) => {
    expect(unstorableText(text)).toBeNull();
  });

  it.each([
    ["a\u0000b", /U\+0000 \(at character 2\)/],
    ["\u0000", /U\+0000 \(at character 1\)/],
    ["\ud800", /lone surrogate U\+D800 \(at character 1\)/],
    ["ab\udfff", /lone surrogate U\+DFFF \(at character 3\)/],
    ["😀\ud83d", /lone surrogate U\+D83D \(at character 3\)/],
    ["\ude00\ud83d", /lone surrogate U\+DE00 \(at character 1\)/],
    ["x\ud83d\ud83dy", /lone surrogate U\+D83D \(at character 2\)/],
  ])("refuses %j, saying why and where", (text, why) => {
    expect(unstorableText(text)).toMatch(why);
  });

  it("agrees with what a UTF-8 round trip keeps, for every lone and paired surrogate", () => {
    // Node writes a lone surrogate to UTF-8 as U+FFFD: what the store would have got instead.
    const samples = ["\ud800", "\udbff", "\udc00", "\udfff", "\ud83d\ude00", "a\ud800\udc00b"];
    for (const text of samples) {
      const survives = Buffer.from(text, "utf8").toString("utf8") === text;
      expect(unstorableText(text) === null).toBe(survives);
    }
  });
});
