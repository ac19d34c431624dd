import { describe, expect, it } from "vitest";
import { toCsv } from "../../src/reports/csv.js";

describe("toCsv", () => {
  it("writes a header and a CRLF-ended line per row, in the columns' order", () => {
    expect(
      toCsv(
        ["day", "fires"],
        [
          { fires: 3, day: "2026-11-28" },
          { day: "2026-11-29", fires: 0 },
        ],
      ),
    ).toBe("day,fires\r\n2026-11-28,3\r\n2026-11-29,0\r\n");
  });

  it.each([
    [null, ""],
    [undefined, ""],
    [1.5, "1.5"],
    [-2, "-2"],
    [true, "true"],
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["=SUM(A1)", "'=SUM(A1)"],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@cmd", "'@cmd"],
    ["\tx", "'\tx"],
    ["=a,b", `"'=a,b"`],
  ])("a cell %j is %j", (value, expected) => {
    expect(toCsv(["c"], [{ c: value }])).toBe(`c\r\n${expected}\r\n`);
  });

  it("with no rows is the header alone", () => {
    expect(toCsv(["a", "b"], [])).toBe("a,b\r\n");
  });
});
