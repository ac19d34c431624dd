import type { AdvertiserSettings } from "./ports.js";
import { TtlCache } from "./ttl-cache.js";

/**
 * Advertisers' click settings remembered in memory, so that a click does not wait on Redis for
 * them: an outage costs a click nothing for an advertiser seen lately. On Node, a change reaches
 * the process at once through the pixel change notices (which clear it), or within `ttlMs` if a
 * notice is missed; a Workers isolate hears no notices, so there a change takes up to `ttlMs`,
 * as its pixel configs do. A failed read is not remembered.
 */
export class AdvertiserSettingsCache {
  private readonly entries: TtlCache<boolean>;

  constructor(ttlMs: number, maxEntries: number, clock: () => number = Date.now) {
    this.entries = new TtlCache(ttlMs, maxEntries, clock);
  }

  /** The remembered settings in front of `source` (a Worker request's own connection, say). */
  over(source: AdvertiserSettings): AdvertiserSettings {
    return {
      appendsClickId: async (advertiserId) => {
        const key = String(advertiserId);
        const cached = this.entries.get(key);
        if (cached !== undefined) return cached;
        const appends = await source.appendsClickId(advertiserId);
        this.entries.set(key, appends);
        return appends;
      },
    };
  }

  invalidate(): void {
    this.entries.clear();
  }
}
