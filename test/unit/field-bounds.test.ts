import { describe, expect, it } from "vitest";
import { isMoney, MAX_MONEY, parseMoney } from "../../src/fields/money.js";
import { isObjectId, MAX_OBJECT_ID, parseObjectId } from "../../src/fields/object-id.js";

// One bound per field, the store's (src/fields/): what every input path accepts.

describe("object ids: PostgreSQL integer", () => {
  it.each([
    ["1", 1],
    ["2147483647", MAX_OBJECT_ID],
    ["2147483648", null],
    ["9999999999", null],
    ["99999999999", null],
    ["0", null],
    ["007", null],
    ["-1", null],
    ["1e3", null],
    [" 1", null],
    ["", null],
  ])("%j reads as %j", (text, id) => {
    expect(parseObjectId(text)).toBe(id);
  });

  it.each([
    [1, true],
    [MAX_OBJECT_ID, true],
    [MAX_OBJECT_ID + 1, false],
    [2 ** 53 - 1, false],
    [0, false],
    [1.5, false],
    [Number.NaN, false],
    ["1", false],
  ])("%j is an id: %j", (value, ok) => {
    expect(isObjectId(value)).toBe(ok);
  });
});

describe("money: at most 1e12 a conversion", () => {
  it.each([
    ["49.90", 49.9],
    ["0", 0],
    ["1000000000000", MAX_MONEY],
    ["1000000000000.5", null],
    ["9999999999999", null],
    ["1e12", null],
    ["-1", null],
    ["1.12345678901", null],
    ["Infinity", null],
  ])("%j reads as %j", (text, value) => {
    expect(parseMoney(text)).toBe(value);
  });

  it.each([
    [0, true],
    [MAX_MONEY, true],
    [MAX_MONEY * 1.0000001, false],
    [-0.01, false],
    [Number.POSITIVE_INFINITY, false],
    [Number.NaN, false],
  ])("%j is money: %j", (value, ok) => {
    expect(isMoney(value)).toBe(ok);
  });
});
