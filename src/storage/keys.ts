/**
 * Every Redis key the service uses, built in one place (documented in docs/storage.md).
 * Keys that one Lua script touches share a hash tag (`{u:…}` per user, `{login:…}` per login) so
 * the same scripts run on Redis Cluster.
 */

/** Any API object by type (`advertiser`, `pixel`, `user`, …) and id. */
const object = (type: string, id: number) => `${type}:${id}`;
/** The id of the object of a type with this code under this parent (member or advertiser). */
const objectByCode = (type: string, parentId: number, code: string) =>
  `${type}-code:${parentId}:${code}`;

export const keys = {
  object,
  objectByCode,
  // Where versions before PostgreSQL kept the API's objects (read once, by the migration to it).
  pixel: (id: number) => object("pixel", id),
  pixelByCode: (memberId: number, code: string) => objectByCode("pixel", memberId, code),
  advertiser: (id: number) => object("advertiser", id),
  sequence: (type: string) => `seq:${type}`,

  // The edge's copies of PostgreSQL's configs (SPEC 15), written by the edge copy relay and on
  // a Node edge's read-through; every one can be rebuilt (`npm run rebuild-edge`).
  /** A pixel's EdgePixel config as JSON, or `null` (no such pixel, for a while). */
  edgePixel: (id: number) => `edge:pixel:${id}`,
  /** The id of the pixel with this code in this member, or `0` (none, for a while). */
  edgePixelByCode: (memberId: number, code: string) => `edge:pixel-code:${memberId}:${code}`,
  /** An advertiser's click settings as JSON (EdgeAdvertiser), or `null`. */
  edgeAdvertiser: (id: number) => `edge:advertiser:${id}`,

  touches: (userId: string, advertiserId: number) => `{u:${userId}}:touches:${advertiserId}`,
  /**
   * A user's repeat state on a pixel, one sorted set: the last counted conversion, the order
   * ids and event ids counted.
   */
  repeatState: (userId: string, pixelId: number) => `{u:${userId}}:r:${pixelId}`,
  /**
   * The decisions of a user's fires on a pixel whose fire time falls on `day` (days since the
   * epoch), until their batch is stored: a fire decided again gets its first answer.
   */
  decisions: (userId: string, pixelId: number, day: number) => `{u:${userId}}:d:${pixelId}:${day}`,

  /** A signed impression id already recorded (per advertiser: ad servers number their own). */
  impressionId: (advertiserId: number, aid: string) => `aid:${advertiserId}:${aid}`,

  signingSecret: "config:signing-secret",

  /** Ids of every object of a type, and of those of one member. */
  objectIndex: (type: string) => `index:${type}`,
  memberIndex: (type: string, memberId: number) => `index:${type}:member:${memberId}`,
  userByName: (username: string) => `user-name:${username.toLowerCase()}`,
  /** An API session, by the SHA-256 of its token (a leaked key list leaks no token). */
  token: (tokenHash: string) => `token:${tokenHash}`,
  /** The token hashes a user was issued, so that all of them can be revoked. */
  userTokens: (userId: number) => `user-tokens:${userId}`,
  /** API reads, writes or ingested events of one member (or admin) in one minute. */
  rateCount: (who: string, kind: "read" | "write" | "events", minute: number) =>
    `rate:${who}:${kind}:${minute}`,
  /**
   * Login attempts (src/storage/redis/redis-login-throttle.ts), in 5-minute windows. A user's
   * keys share the tag `{login:<username>}` so one script counts them; an address has a tag of
   * its own.
   */
  loginOk: (username: string, window: number) => `{login:${username.toLowerCase()}}:ok:${window}`,
  loginFailures: (username: string, window: number) =>
    `{login:${username.toLowerCase()}}:fail:${window}`,
  loginFailuresFrom: (username: string, address: string, window: number) =>
    `{login:${username.toLowerCase()}}:fail:${address}:${window}`,
  /** Addresses the user logged in from lately: they stay open when the user is under attack. */
  loginKnownAddresses: (username: string) => `{login:${username.toLowerCase()}}:known`,
  loginAddressFailures: (address: string, window: number) =>
    `{login-from:${address}}:fail:${window}`,
} as const;

/** Pub/sub channel on which the API announces changed pixel configs (`<id>` or `*`). */
export const PIXEL_CHANGES_CHANNEL = "pixel-config-changes";
