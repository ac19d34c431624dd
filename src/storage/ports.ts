import type { Decision, Fire, Touch } from "../attribution/types.js";
import type {
  AcceptedFire,
  ConversionRow,
  FireLogEntry,
  FireLogRow,
} from "../conversions/log-rows.js";
import type { EdgePixel, PixelRef } from "../pixels/pixel-document.js";
import type { ReportCounts } from "../reports/report-counters.js";
import type {
  NewReportJob,
  ReportJob,
  ReportQuery,
  SourceRow,
} from "../reports/service/report-job.js";

/** One JSON object per line; never secrets. */
export type Logger = (entry: Record<string, unknown>) => void;

/** Where the edge hands what it accepted; writing happens after the response. */
export interface FireSink {
  record(fire: AcceptedFire, pixel: EdgePixel | null): void;
  /** A fire whose pixel config could not be read: written once it can be. */
  recordUnresolved(fire: AcceptedFire, ref: PixelRef | null): void;
  touch(touch: Touch): void;
}

/** Where the edge reads pixel configs from (Redis, a cache in front of it, or Workers KV). */
export interface PixelConfigSource {
  get(ref: PixelRef): Promise<EdgePixel | null>;
  /** What an in-process cache already holds (null: known unknown), undefined when it must ask. */
  peek?(ref: PixelRef): EdgePixel | null | undefined;
}

/** What the edge keeps of an advertiser: its click settings (its allowlist is in each pixel). */
export interface EdgeAdvertiser {
  id: number;
  member_id: number;
  state: "active" | "inactive";
  append_click_id: boolean;
}

/** What a click reads of its advertiser: whether its landing URL gets a click id (SPEC 12). */
export interface AdvertiserSettings {
  appendsClickId(advertiserId: number): Promise<boolean>;
}

/** A user's impressions and clicks, per advertiser, newest first and bounded. */
export interface TouchStore {
  record(touches: readonly Touch[]): Promise<void>;
}

/**
 * Impression ids (a beacon's signed `aid`) already recorded: an id records its impression
 * once, for the first browser that brings it (SPEC 14).
 */
export interface ImpressionIds {
  /** True for the first claim of the id on this advertiser while it is kept, false after. */
  claim(advertiserId: number, aid: string, userId: string, ttlMs: number): Promise<boolean>;
}

/**
 * Decides fires against their users' histories and records what the decisions change,
 * atomically and in the order given (a later fire of a user sees what an earlier one wrote).
 */
export interface AttributionStore {
  /**
   * Decides fires in order; deciding a fire again (same id) gives its first answer, until
   * `forget` is told its batch was stored.
   */
  decide(
    batch: ReadonlyArray<{ pixel: EdgePixel; fire: Fire & { id: string } }>,
  ): Promise<Decision[]>;
  /**
   * The event store took these decided fires: a replay can no longer change what was stored,
   * so their decisions need not be remembered. Best effort: what is not forgotten expires.
   */
  forget(fires: ReadonlyArray<DecidedFire>): Promise<void>;
}

/** A fire the attribution store decided, as `forget` names it. */
export interface DecidedFire {
  pixelId: number;
  fire: { id: string; user_id: string; ts: number };
}

/**
 * A batch of fires as its writer numbered it: an edge process (a random id per start) numbers
 * its batches 1, 2, 3… in the order it sends them, so that a batch sent twice is taken once.
 */
export interface BatchId {
  writer: string;
  seq: number;
}

/** The fire log, the conversion log and the report aggregates: the event store (SPEC 10). */
export interface FireLog {
  /**
   * Appends a batch of decided fires; the counted ones go to the conversion log too. Once per
   * batch id: true when this call wrote it, false when it had been taken already.
   */
  append(entries: readonly FireLogEntry[], batch: BatchId): Promise<boolean>;
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
  /**
   * Counted conversions of these pixels in the order they were committed, after `cursor` (an
   * opaque string from an earlier page; null to start from the oldest kept), at least once.
   */
  conversionFeed(
    pixelIds: readonly number[],
    cursor: string | null,
    limit: number,
  ): Promise<{ conversions: ConversionRow[]; cursor: string }>;
  /** Report counts per quarter hour that saw a fire, for quarters starting in [from, to). */
  reportCounts(
    pixelId: number | "unknown",
    from: number,
    to: number,
  ): Promise<Array<[quarterStart: number, counts: ReportCounts]>>;
}

/**
 * What writing accepted fires and touches needs (FireQueue, the spool's replay, a Worker's
 * RedisWriter): a spooled fire may still have to read its pixel's config.
 */
export interface WriteStorage {
  pixels: PixelConfigSource;
  touches: TouchStore;
  attribution: AttributionStore;
  fireLog: FireLog;
}

/** Everything the edge reads and writes, for one request (Workers) or the process (Node). */
export interface EdgeStorage extends WriteStorage {
  impressionIds: ImpressionIds;
  /** What a click needs of its advertiser (`append_click_id`). */
  advertisers: AdvertiserSettings;
}

/** The Report Service's queue (SPEC 11), shared by every API process through the store. */
export interface ReportJobStore {
  /** False when the user already has its most unfinished reports. */
  create(job: NewReportJob): Promise<boolean>;
  get(id: string, now: number): Promise<ReportJob | null>;
  result(id: string): Promise<string | null>;
  /** The oldest job nobody runs, for this caller to run. */
  claim(now: number): Promise<(ReportJob & { attempts: number }) | null>;
  finish(id: string, now: number, rowCount: number, result: string): Promise<void>;
  fail(id: string, now: number, error: string): Promise<void>;
  /** Gives a running job back to the queue (its runner stopped): the attempt stays counted. */
  release(id: string): Promise<void>;
  expire(now: number): Promise<number>;
}

/** Grouped report rows (SPEC 11) from the aggregates or the conversion log. */
export interface ReportSource {
  rows(query: ReportQuery): Promise<SourceRow[]>;
}

/** One member's (or admin's) count of one kind of API use in one fixed window. */
export interface RateCount {
  /** Whose count: `member-<id>`, or `admin-<user id>` for a system admin. */
  who: string;
  kind: "read" | "write" | "events";
  /** The window's number: epoch ms over the window's length, rounded down. */
  window: number;
}

/** The per-window counts the API's rate limits keep; a count goes when its window ends. */
export interface RateCounters {
  /** Adds `n` to a count and answers its new value; a count this starts lives `windowMs`. */
  add(count: RateCount, n: number, windowMs: number): Promise<number>;
  /** A count's value: 0 when nothing was added to it. */
  get(count: RateCount): Promise<number>;
  /** Takes back `n` added before (a refused batch's events), for the rest of the window. */
  takeBack(count: RateCount, n: number): Promise<void>;
}

/** API tokens expire 2 hours after their last use and 24 hours after they were issued. */
export const TOKEN_IDLE_MS = 2 * 3_600_000;
export const TOKEN_LIFETIME_MS = 24 * 3_600_000;

/** API sessions: tokens, each of one user, ended one by one or all of a user's at once. */
export interface TokenStore {
  /** A new token for the user, live for TOKEN_IDLE_MS after each use, TOKEN_LIFETIME_MS at most. */
  issue(userId: number): Promise<string>;
  /** The user a live token belongs to (and the token's idle timer restarted), or null. */
  resolve(token: string): Promise<number | null>;
  /** Ends one session (`DELETE /auth`); the user it belonged to, or null if it was not live. */
  revoke(token: string): Promise<number | null>;
  /** Ends every session of a user (a password change, a disabled user). */
  revokeAll(userId: number): Promise<void>;
}

/** A login attempt that may check its password, and what settling it needs. */
export interface LoginTicket {
  allowed: true;
  /** How long to hold the attempt back: failures from this address slow the next ones. */
  delayMs: number;
  username: string;
  address: string;
  window: number;
}

/** A login attempt refused before its password was looked at. */
export interface LoginRefusal {
  allowed: false;
  /** Seconds until the window ends. */
  retryAfter: number;
}

/**
 * Bounds password guessing (SPEC 6 and 14): an attempt is reserved before its password is
 * checked, so that a burst checks no more than the limits allow, then settled.
 */
export interface LoginThrottle {
  /** Reserves an attempt of `username` from `address`, or refuses it. */
  reserve(username: string, address: string): Promise<LoginTicket | LoginRefusal>;
  /**
   * Settles a checked attempt: a failure stays counted; a success is counted instead, unless
   * the user has had all the logins it may in this window (then it is refused).
   */
  settle(ticket: LoginTicket, outcome: "ok" | "fail"): Promise<{ allowed: true } | LoginRefusal>;
}

/** Tells every Node edge that a pixel's config changed, so that each drops its cached copy. */
export interface PixelChangeNotices {
  /** A pixel's config changed; `"*"`: any may have (an advertiser's settings changed). */
  announce(pixelId: number | "*"): Promise<void>;
}
