import type { Context } from "hono";
import type { MemberDocument, UserDocument } from "../objects/documents.js";
import type { ObjectStore, StoredObject } from "../storage/object-store.js";
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
} from "../storage/ports.js";
import type { RedisClient } from "../storage/redis/connect.js";
import { RedisLoginThrottle } from "../storage/redis/redis-login-throttle.js";
import { RedisRateCounters } from "../storage/redis/redis-rate-counters.js";
import { RedisTokenStore } from "../storage/redis/redis-token-store.js";
import { RedisTouchStore } from "../storage/redis/redis-touch-store.js";
import type { ObjectTable } from "../storage/sql/objects/object-table.js";
import { SqlObjectStore } from "../storage/sql/objects/sql-object-store.js";
import type { SqlClient } from "../storage/sql/sql-client.js";
import { advertiserObject } from "./objects/definitions/advertiser.js";
import { campaignObject } from "./objects/definitions/campaign.js";
import { lineItemObject } from "./objects/definitions/line-item.js";
import { memberObject } from "./objects/definitions/member.js";
import { pixelObject } from "./objects/definitions/pixel.js";
import { userObject } from "./objects/definitions/user.js";

/** Users, with the lookup a login makes: by username, whatever its case. */
export interface UserStore extends ObjectStore<UserDocument> {
  byUsername(username: string): Promise<UserDocument | null>;
}

/** What the management API reads and writes. */
export interface ApiStores {
  /** The store of any object definition: one per table, made on first use. */
  of<T extends StoredObject>(definition: { table: ObjectTable }): ObjectStore<T>;
  members: ObjectStore<MemberDocument & { member_id: number }>;
  users: UserStore;
  advertisers: ObjectStore<ObjectOf<typeof advertiserObject>>;
  lineItems: ObjectStore<ObjectOf<typeof lineItemObject>>;
  campaigns: ObjectStore<ObjectOf<typeof campaignObject>>;
  pixels: ObjectStore<ObjectOf<typeof pixelObject>>;
  tokens: TokenStore;
  logins: LoginThrottle;
  /** The per-minute counts of the rate limits (rate-limit.ts, event-rate-limit.ts). */
  rateCounters: RateCounters;
  /** The same touch history the beacons write. */
  touches: TouchStore;
}

/** The document type of an object definition. */
export type ObjectOf<D> = D extends { __document?: infer T } ? T & StoredObject : never;

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
  /**
   * Carries the changes committed so far to the edge's copies (the edge copy relay) and drops
   * this process's cached configs: awaited after a write, so the edge serves it from the answer on.
   */
  syncEdges: () => Promise<void>;
  conversions: ConversionIntake;
}

/**
 * The API's stores: objects in PostgreSQL (the system of record, SPEC 15); sessions, login
 * throttles, rate counts and touches in Redis (hot state).
 */
export function createApiStores(
  redis: RedisClient,
  sql: SqlClient,
  clock: () => number,
): ApiStores {
  const made = new Map<string, SqlObjectStore<StoredObject>>();
  const of = <T extends StoredObject>(definition: { table: ObjectTable }): ObjectStore<T> => {
    let store = made.get(definition.table.table);
    if (!store) {
      store = new SqlObjectStore(sql, definition.table);
      made.set(definition.table.table, store);
    }
    return store as unknown as ObjectStore<T>;
  };
  const users = of<UserDocument>(userObject);
  return {
    of,
    members: of(memberObject),
    users: Object.assign(users, {
      byUsername: (username: string) => users.byCode(0, username),
    }),
    advertisers: of(advertiserObject),
    lineItems: of(lineItemObject),
    campaigns: of(campaignObject),
    pixels: of(pixelObject),
    tokens: new RedisTokenStore(redis, clock),
    logins: new RedisLoginThrottle(redis, clock),
    rateCounters: new RedisRateCounters(redis),
    touches: new RedisTouchStore(redis, clock),
  };
}
