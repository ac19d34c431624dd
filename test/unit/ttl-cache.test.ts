import { describe, expect, it } from "vitest";
import { TtlCache } from "../../src/storage/ttl-cache.js";

function clocked(ttlMs: number, maxEntries: number) {
  const time = { now: 1_000 };
  return { time, cache: new TtlCache<string | null>(ttlMs, maxEntries, () => time.now) };
}

describe("TtlCache", () => {
  it("answers a value until ttlMs after it was set", () => {
    const { time, cache } = clocked(100, 10);
    cache.set("a", "A");
    time.now += 99;
    expect(cache.get("a")).toBe("A");
    time.now += 1;
    expect(cache.get("a")).toBeUndefined();
  });

  it("keeps a null (a known unknown) apart from a miss", () => {
    const { cache } = clocked(100, 10);
    cache.set("a", null);
    expect(cache.get("a")).toBeNull();
    expect(cache.get("b")).toBeUndefined();
  });

  it("holds maxEntries at most, dropping the oldest set", () => {
    const { cache } = clocked(100, 2);
    cache.set("a", "A");
    cache.set("b", "B");
    cache.set("a", "A2"); // set again: now the newest
    cache.set("c", "C");
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual(["A2", undefined, "C"]);
  });

  it("a TTL of 0 keeps nothing", () => {
    const { cache } = clocked(0, 10);
    cache.set("a", "A");
    expect(cache.get("a")).toBeUndefined();
  });

  it("forgets what deleteWhere picks, and everything on clear", () => {
    const { cache } = clocked(100, 10);
    cache.set("id:1", "one");
    cache.set("id:2", "two");
    cache.set("code:x", null);
    cache.deleteWhere((key, value) => key === "id:1" || value === null);
    expect([cache.get("id:1"), cache.get("id:2"), cache.get("code:x")]).toEqual([
      undefined,
      "two",
      undefined,
    ]);
    cache.clear();
    expect(cache.get("id:2")).toBeUndefined();
  });
});
