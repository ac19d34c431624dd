import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { formatTimestamp, parseTimestamp } from "../../src/conversions/timestamps.js";
import { jsStringLiteral } from "../../src/edge/js-literal.js";

describe("jsStringLiteral", () => {
  it.each([
    ["plain"],
    ['"quotes" and \\ backslashes'],
    ["</script><script>alert(1)</script>"],
    ["<!-- & -->"],
    ["line\u2028separator\u2029"],
    ["ünïcødé"],
  ])("%j reads back as itself and cannot end a script element", (text) => {
    const literal = jsStringLiteral(text);
    expect(literal).not.toMatch(/[<>&\u2028\u2029]/);
    expect(runInNewContext(literal)).toBe(text);
  });
});

describe("AppNexus timestamps", () => {
  it("format in UTC to the second and parse back", () => {
    const ms = Date.UTC(2026, 10, 28, 12, 34, 56, 789);
    expect(formatTimestamp(ms)).toBe("2026-11-28 12:34:56");
    expect(parseTimestamp("2026-11-28 12:34:56")).toBe(ms - 789);
  });

  it("a cached second is not confused with another that shares its slot", () => {
    const ms = Date.UTC(2026, 0, 1);
    expect(formatTimestamp(ms)).toBe("2026-01-01 00:00:00");
    expect(formatTimestamp(ms + 64_000)).toBe("2026-01-01 00:01:04");
    expect(formatTimestamp(ms)).toBe("2026-01-01 00:00:00");
  });
});
