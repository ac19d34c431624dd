import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ClickIdContents,
  decodeClickId,
  encodeClickId,
  MAX_CLICK_ID_LENGTH,
} from "../../src/signing/click-id.js";
import { encodeClickIdV1 } from "../../src/signing/click-id-v1.js";

const SECRET = "unit-secret";
const CLICK: ClickIdContents = {
  advertiser_id: 2,
  line_item_id: 382,
  campaign_id: 17607,
  creative_id: 9,
  ts: Date.UTC(2026, 10, 28, 12, 0, 0),
  user_id: "4242424242424242424",
};
const BIGGEST = Number.MAX_SAFE_INTEGER;
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

describe("click ids (SPEC 12)", () => {
  it.each<[string, Partial<ClickIdContents>]>([
    ["a decimal uuid2", {}],
    ["no campaign, creative or user", { campaign_id: null, creative_id: null, user_id: null }],
    ["the largest uuid2 decimal", { user_id: "99999999999999999999" }],
    ["a UUID user", { user_id: "0f8fad5b-d9cb-469f-a165-70867728950e" }],
    [
      "the largest ids and a UUID",
      {
        advertiser_id: BIGGEST,
        line_item_id: BIGGEST,
        campaign_id: BIGGEST,
        creative_id: BIGGEST,
        ts: BIGGEST,
        user_id: "ffffffff-ffff-ffff-ffff-ffffffffffff",
      },
    ],
  ])("carry %s there and back, URL-safe, within 160 characters", (_name, change) => {
    const click = { ...CLICK, ...change };
    const id = encodeClickId(SECRET, click);
    expect(id).toMatch(/^2\.[A-Za-z0-9_-]+$/);
    expect(id.length).toBeLessThanOrEqual(MAX_CLICK_ID_LENGTH);
    expect(decodeClickId(SECRET, id)).toEqual(click);
  });

  it("read a UUID user in lower case, as the first format did", () => {
    const id = encodeClickId(SECRET, { ...CLICK, user_id: "0F8FAD5B-D9CB-469F-A165-70867728950E" });
    expect(decodeClickId(SECRET, id)?.user_id).toBe("0f8fad5b-d9cb-469f-a165-70867728950e");
  });

  it("show nothing of the user, and differ for each click of the same user", () => {
    const ids = [encodeClickId(SECRET, CLICK), encodeClickId(SECRET, CLICK)];
    const user = BigInt(CLICK.user_id ?? "");
    for (const id of ids)
      for (const form of [user.toString(), user.toString(36), user.toString(16)])
        expect(id.toLowerCase()).not.toContain(form);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it("credit nothing once any one character is changed, or with another secret", () => {
    const id = encodeClickId(SECRET, CLICK);
    for (let at = 2; at < id.length; at++)
      for (const replacement of ["A", "B", "-"]) {
        if (id[at] === replacement) continue;
        const changed = id.slice(0, at) + replacement + id.slice(at + 1);
        expect(decodeClickId(SECRET, changed), changed).toBeNull();
      }
    expect(decodeClickId("another deployment's secret", id)).toBeNull();
    expect(decodeClickId(SECRET, id.slice(0, -1))).toBeNull();
    expect(decodeClickId(SECRET, `${id}A`)).toBeNull();
  });

  it("still read the ids of the first format, issued before ids were encrypted", () => {
    const old = encodeClickIdV1(SECRET, CLICK);
    expect(old).toMatch(/^1\./);
    expect(decodeClickId(SECRET, old)).toEqual(CLICK);
    expect(decodeClickId("another deployment's secret", old)).toBeNull();
  });

  it("never throw, whatever comes", () => {
    const base64url = fc.string({ unit: fc.constantFrom(...BASE64URL), maxLength: 158 });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          base64url.map((s) => `2.${s}`),
          base64url.map((s) => `1.${s}`),
          fc.anything(),
        ),
        (text) => {
          expect(decodeClickId(SECRET, text)).toBeNull();
        },
      ),
    );
  });
});
