import type { AdvertiserSettings } from "./ports.js";

/**
 * A bounded in-process cache of advertisers' click settings (Node), so that a click does not
 * wait on Redis for them: an outage costs a click nothing for an advertiser seen lately, and a
 * change reaches the process at once through the pixel change notices (which clear it), or
 * within `ttlMs` if a notice is missed. A failed read is not cached.
 */
export class CachedAdvertiserSettings implements AdvertiserSettings {
  private readonly entries = new Map<number, { appends: boolean; expiresAt: number }>();
  private readonly clock: () => number;

  constructor(
    private readonly source: AdvertiserSettings,
    private readonly options: { ttlMs: number; maxEntries: number; clock?: () => number },
  ) {
    this.clock = options.clock ?? Date.now;
  }

  async appendsClickId(advertiserId: number): Promise<boolean> {
    const hit = this.entries.get(advertiserId);
    if (hit && hit.expiresAt > this.clock()) return hit.appends;
    const appends = await this.source.appendsClickId(advertiserId);
    this.entries.delete(advertiserId);
    this.entries.set(advertiserId, { appends, expiresAt: this.clock() + this.options.ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries) break;
      this.entries.delete(oldest);
    }
    return appends;
  }

  invalidate(): void {
    this.entries.clear();
  }
}
