/**
 * A bounded map whose entries expire `ttlMs` after they were set; past `maxEntries` the oldest
 * set goes first. A TTL of 0 keeps nothing. The pixel config caches of Node and of a Workers
 * isolate keep their entries in one.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The value while it is fresh, else undefined. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    return entry && entry.expiresAt > this.clock() ? entry.value : undefined;
  }

  set(key: string, value: V): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.clock() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** Forgets every entry (fresh or not) that `drop` picks. */
  deleteWhere(drop: (key: string, value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (drop(key, entry.value)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
