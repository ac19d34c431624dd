import type { Context } from "hono";
import type {
  AdvertiserDocument,
  CampaignDocument,
  LineItemDocument,
  MemberDocument,
  UserDocument,
} from "../objects/documents.js";
import type { PixelDocument } from "../pixels/pixel-document.js";
import type {
  FireLogReader,
  FireSink,
  Logger,
  LoginThrottle,
  PixelConfigSource,
  RateCounters,
  ReportJobStore,
  TokenStore,
  TouchStore,
  UserNames,
} from "../storage/ports.js";
import type { RedisClient } from "../storage/redis/connect.js";
import { RedisLoginThrottle } from "../storage/redis/redis-login-throttle.js";
import { RedisObjectStore } from "../storage/redis/redis-object-store.js";
import { RedisRateCounters } from "../storage/redis/redis-rate-counters.js";
import { RedisTokenStore } from "../storage/redis/redis-token-store.js";
import { RedisTouchStore } from "../storage/redis/redis-touch-store.js";
import { RedisUserNames } from "../storage/redis/redis-user-names.js";
import type { PixelChange } from "./edge-sync.js";

/** What the management API reads and writes. */
export interface ApiStores {
  members: RedisObjectStore<MemberDocument & { member_id: number }>;
  users: RedisObjectStore<UserDocument>;
  /** Which user has a username (unique, whatever its case). */
  userNames: UserNames;
  advertisers: RedisObjectStore<AdvertiserDocument>;
  lineItems: RedisObjectStore<LineItemDocument>;
  campaigns: RedisObjectStore<CampaignDocument>;
  pixels: RedisObjectStore<PixelDocument>;
  tokens: TokenStore;
  logins: LoginThrottle;
  /** The per-minute counts of the rate limits (rate-limit.ts, event-rate-limit.ts). */
  rateCounters: RateCounters;
  /** The same touch history the beacons write. */
  touches: TouchStore;
}

/** What the Report Service routes need besides the objects (SPEC 11). */
export interface ReportServiceDeps {
  jobs: ReportJobStore;
  /** Days of data kept: conversions (`LOG_RETENTION_DAYS`) and aggregates. */
  retention: { logDays: number; statsDays: number };
  /** Tells this process's runner a job was queued. */
  queued(): void;
}

/** Where `POST /conversion-events` hands its conversions: the edge's own queue and configs. */
export interface ConversionIntake {
  pixels: PixelConfigSource;
  fires: FireSink;
  /** The secret click ids are signed with (SIGNING_SECRET, or the one kept in Redis). */
  signingSecret: () => Promise<string>;
}

export interface ApiDeps {
  stores: ApiStores;
  /** The logs and report counters the edge writes. */
  fireLog: FireLogReader;
  reports: ReportServiceDeps;
  clock: () => number;
  log: Logger;
  /** The address a request came from, as the login throttle counts it (TRUST_PROXY). */
  clientAddress: (c: Context) => string;
  /** Carries changed pixel configs to the edges (src/api/edge-sync.ts). */
  syncPixels: (change: PixelChange) => Promise<void>;
  conversions: ConversionIntake;
}

export function createApiStores(redis: RedisClient, clock: () => number): ApiStores {
  return {
    // A member is its own member: its index holds itself.
    members: new RedisObjectStore(redis, "member"),
    users: new RedisObjectStore(redis, "user"),
    userNames: new RedisUserNames(redis),
    advertisers: new RedisObjectStore(redis, "advertiser"),
    lineItems: new RedisObjectStore(redis, "line-item", (li) => li.advertiser_id),
    campaigns: new RedisObjectStore(redis, "campaign", (cp) => cp.advertiser_id),
    pixels: new RedisObjectStore(redis, "pixel"),
    tokens: new RedisTokenStore(redis, clock),
    logins: new RedisLoginThrottle(redis, clock),
    rateCounters: new RedisRateCounters(redis),
    touches: new RedisTouchStore(redis, clock),
  };
}
