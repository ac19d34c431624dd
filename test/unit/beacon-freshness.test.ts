import { describe, expect, it } from "vitest";
import { beaconFreshness, CLICK_MAX_AGE_S } from "../../src/signing/beacon-freshness.js";
import { signUrl } from "../../src/signing/url-signature.js";

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const S = NOW / 1000;

describe("beaconFreshness", () => {
  it.each([
    [null, 3600, "missing"],
    ["", 3600, "missing"],
    ["abc", 3600, "malformed"],
    ["-5", 3600, "malformed"],
    ["0", 3600, "malformed"],
    [`${S}.5`, 3600, "malformed"],
    [String(NOW), 3600, "malformed"], // milliseconds
    [String(S), 3600, "fresh"],
    [String(S - 3600), 3600, "fresh"],
    [String(S - 3601), 3600, "stale"],
    [String(S + 300), 3600, "fresh"],
    [String(S + 301), 3600, "ahead"],
    [String(S - 30 * 86_400), CLICK_MAX_AGE_S, "fresh"],
    [String(S - 31 * 86_400), CLICK_MAX_AGE_S, "stale"],
  ] as const)("ts %j with max age %i s is %s", (ts, maxAge, expected) => {
    expect(beaconFreshness(ts, NOW, maxAge)).toBe(expected);
  });
});

describe("signUrl", () => {
  it("adds ts (epoch seconds) when the URL has none, and keeps one it has", async () => {
    const added = new URL(await signUrl("k", "https://px.example/imp?adv=2&li=382", NOW + 999));
    expect(added.searchParams.get("ts")).toBe(String(S));
    const kept = new URL(await signUrl("k", "https://px.example/imp?adv=2&ts=123", NOW));
    expect(kept.searchParams.getAll("ts")).toEqual(["123"]);
  });
});
