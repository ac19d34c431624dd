import type { Decision, Fire, Touch } from "../attribution/types.js";
import type { ConversionRow, FireLogRow } from "../conversions/log-rows.js";
import type { EdgePixel, PixelRef } from "../pixels/pixel-document.js";

/** Where the edge reads pixel configs from (Redis, a cache in front of it, or Workers KV). */
export interface PixelConfigSource {
  get(ref: PixelRef): Promise<EdgePixel | null>;
}

/** A user's impressions and clicks, per advertiser, newest first and bounded. */
export interface TouchStore {
  record(touches: readonly Touch[]): Promise<void>;
  recent(userId: string, advertiserId: number): Promise<Touch[]>;
}

/** Decides a fire against the user's history and records what the decision changes, atomically. */
export interface AttributionStore {
  decide(pixel: EdgePixel, fire: Fire): Promise<Decision>;
}

/** The fire log, the conversion log and the report counters. */
export interface FireLog {
  append(fire: FireLogRow, conversion: ConversionRow | null): Promise<void>;
}

export interface TimeRange {
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, inclusive. */
  to?: number;
  limit?: number;
}

/** Reads the logs back (exposed by the API's /conversion and /report). */
export interface FireLogReader {
  fires(pixelId: number | "unknown", range?: TimeRange): Promise<FireLogRow[]>;
  conversions(pixelId: number, range?: TimeRange): Promise<ConversionRow[]>;
}

/** Everything the edge reads and writes, for one request (Workers) or the process (Node). */
export interface EdgeStorage {
  pixels: PixelConfigSource;
  touches: TouchStore;
  attribution: AttributionStore;
  fireLog: FireLog;
}
