import type { EdgePixel, PixelRef } from "../../pixels/pixel-document.js";
import { safeEdgePixel } from "../../pixels/pixel-document.js";
import type { EdgeCopyTarget } from "../edge-copies/edge-copy-target.js";
import { keys } from "../keys.js";
import type { EdgeAdvertiser } from "../ports.js";
import type { RedisClient } from "./connect.js";

/** A deleted pixel's copy says so this long, so that a read-through cannot bring it back. */
const TOMBSTONE_S = 3600;
/** A copy a read-through back-filled lives this long (the relay's own copies have no TTL). */
const BACKFILL_S = 86_400;
/** "Nothing there" after a read-through found nothing: random ids cost the database once a minute. */
const ABSENT_S = 60;

const NONE = "null";
const NO_ID = "0";

/** A copy as read: the value, null when the copy says there is none, undefined when absent. */
export type Copy<T> = T | null | undefined;

/**
 * The edge's copies in Redis of what PostgreSQL holds (SPEC 15, keys in keys.ts): pixel configs
 * by id and by member and code, and advertisers' click settings. The relay writes them after
 * each committed change (without TTL); a Node edge's read-through back-fills what was missing,
 * only where nothing is (NX) and with a TTL, so that it can never overwrite a newer copy for long.
 */
export class RedisEdgeCopies implements EdgeCopyTarget {
  readonly name = "redis";

  constructor(private readonly redis: RedisClient) {}

  async pixel(ref: PixelRef): Promise<Copy<EdgePixel>> {
    let id: number;
    if ("id" in ref) id = ref.id;
    else {
      const found = await this.redis.get(keys.edgePixelByCode(ref.member_id, ref.code));
      if (found === null) return undefined;
      if (found === NO_ID) return null;
      id = Number(found);
    }
    const json = await this.redis.get(keys.edgePixel(id));
    if (json === null) return undefined;
    const config = parse<EdgePixel>(json);
    if (!config) return null;
    // A code copy a change has not caught up with yet names another member's pixel: none.
    if ("member_id" in ref && config.member_id !== ref.member_id) return null;
    return safeEdgePixel(config);
  }

  async advertiser(id: number): Promise<Copy<EdgeAdvertiser>> {
    const json = await this.redis.get(keys.edgeAdvertiser(id));
    if (json === null) return undefined;
    return parse<EdgeAdvertiser>(json);
  }

  // The relay's writes: the copy as PostgreSQL has it now.

  async putPixel(config: EdgePixel, code: string | null): Promise<void> {
    // The config before the code that leads to it; two commands, as the keys' slots differ.
    await this.redis.set(keys.edgePixel(config.id), JSON.stringify(config));
    if (code) await this.redis.set(keys.edgePixelByCode(config.member_id, code), String(config.id));
  }

  async dropPixel(id: number): Promise<void> {
    await this.redis.set(keys.edgePixel(id), NONE, "EX", TOMBSTONE_S);
  }

  /** A code the pixel no longer has (the pixel that took it since is written after). */
  async dropCode(memberId: number, code: string): Promise<void> {
    await this.redis.set(keys.edgePixelByCode(memberId, code), NO_ID, "EX", ABSENT_S);
  }

  async putAdvertiser(advertiser: EdgeAdvertiser): Promise<void> {
    await this.redis.set(keys.edgeAdvertiser(advertiser.id), JSON.stringify(advertiser));
  }

  async dropAdvertiser(id: number): Promise<void> {
    await this.redis.set(keys.edgeAdvertiser(id), NONE, "EX", TOMBSTONE_S);
  }

  // A read-through's back-fill: only where no copy is.

  async backfillPixel(ref: PixelRef, config: EdgePixel | null): Promise<void> {
    if ("code" in ref)
      await this.redis.set(
        keys.edgePixelByCode(ref.member_id, ref.code),
        config ? String(config.id) : NO_ID,
        "EX",
        config ? BACKFILL_S : ABSENT_S,
        "NX",
      );
    const id = config?.id ?? ("id" in ref ? ref.id : null);
    if (id === null) return;
    await this.redis.set(
      keys.edgePixel(id),
      config ? JSON.stringify(config) : NONE,
      "EX",
      config ? BACKFILL_S : ABSENT_S,
      "NX",
    );
  }

  async backfillAdvertiser(id: number, advertiser: EdgeAdvertiser | null): Promise<void> {
    await this.redis.set(
      keys.edgeAdvertiser(id),
      advertiser ? JSON.stringify(advertiser) : NONE,
      "EX",
      advertiser ? BACKFILL_S : ABSENT_S,
      "NX",
    );
  }
}

/** A stored copy, or null when it says none or cannot be read (a hand-edited value). */
function parse<T>(json: string): T | null {
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === "object" ? (value as T) : null;
  } catch {
    return null;
  }
}
