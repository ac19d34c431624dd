import { describe, expect, it } from "vitest";
import { AdvertiserSettingsCache } from "../../src/storage/advertiser-settings-cache.js";
import type { AdvertiserSettings } from "../../src/storage/ports.js";

/** A source that answers from `appends` and counts its reads; `failing` makes it throw. */
function source(appends: Map<number, boolean>) {
  const reads: number[] = [];
  let failing = false;
  const settings: AdvertiserSettings = {
    async appendsClickId(id) {
      reads.push(id);
      if (failing) throw new Error("Redis away");
      return appends.get(id) ?? false;
    },
  };
  const fail = (value: boolean) => {
    failing = value;
  };
  return { settings, reads, fail };
}

describe("AdvertiserSettingsCache", () => {
  it("answers an advertiser read within ttlMs without asking its source again", async () => {
    let now = 0;
    const cache = new AdvertiserSettingsCache(30_000, 100, () => now);
    const redis = source(new Map([[2, true]]));
    const settings = cache.over(redis.settings);
    expect(await settings.appendsClickId(2)).toBe(true);
    now = 29_999;
    expect(await settings.appendsClickId(2)).toBe(true);
    expect(redis.reads).toEqual([2]);
    now = 30_000;
    expect(await settings.appendsClickId(2)).toBe(true);
    expect(redis.reads).toEqual([2, 2]);
  });

  it("shares what one source read with every other (a Worker request's own connection)", async () => {
    const cache = new AdvertiserSettingsCache(30_000, 100);
    const first = source(new Map([[2, true]]));
    const second = source(new Map([[2, false]]));
    expect(await cache.over(first.settings).appendsClickId(2)).toBe(true);
    expect(await cache.over(second.settings).appendsClickId(2)).toBe(true);
    expect(second.reads).toEqual([]);
  });

  it("does not remember a failed read, forgets all on invalidate, and keeps nothing with ttl 0", async () => {
    const cache = new AdvertiserSettingsCache(30_000, 100);
    const redis = source(new Map([[2, true]]));
    const settings = cache.over(redis.settings);
    redis.fail(true);
    await expect(settings.appendsClickId(2)).rejects.toThrow("Redis away");
    redis.fail(false);
    expect(await settings.appendsClickId(2)).toBe(true);
    cache.invalidate();
    expect(await settings.appendsClickId(2)).toBe(true);
    expect(redis.reads).toEqual([2, 2, 2]);

    const off = source(new Map([[2, true]]));
    const uncached = new AdvertiserSettingsCache(0, 100).over(off.settings);
    await uncached.appendsClickId(2);
    await uncached.appendsClickId(2);
    expect(off.reads).toEqual([2, 2]);
  });
});
