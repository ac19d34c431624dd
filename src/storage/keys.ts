/**
 * Every Redis key the service uses, built in one place (documented in docs/storage.md).
 * Keys that one Lua script touches share a hash tag (`{u:…}` per user, `{px:…}` per pixel) so
 * the same scripts run on Redis Cluster.
 */
export const keys = {
  pixel: (id: number) => `pixel:${id}`,
  pixelByCode: (memberId: number, code: string) => `pixel-code:${memberId}:${code}`,
  advertiser: (id: number) => `advertiser:${id}`,
  member: (id: number) => `member:${id}`,
  lineItem: (id: number) => `line-item:${id}`,
  campaign: (id: number) => `campaign:${id}`,
  sequence: (type: string) => `seq:${type}`,

  touches: (userId: string, advertiserId: number) => `{u:${userId}}:touches:${advertiserId}`,
  lastConversion: (userId: string, pixelId: number) => `{u:${userId}}:last-conv:${pixelId}`,
  orderIds: (userId: string, pixelId: number) => `{u:${userId}}:orders:${pixelId}`,

  fireLog: (pixelId: number | "unknown") => `{px:${pixelId}}:fires`,
  conversionLog: (pixelId: number | "unknown") => `{px:${pixelId}}:conversions`,
  hourlyStats: (pixelId: number | "unknown", hour: number) => `{px:${pixelId}}:stats:${hour}`,

  signingSecret: "config:signing-secret",

  /** Any API object by type (`advertiser`, `pixel`, `user`, …) and id. */
  object: (type: string, id: number) => `${type}:${id}`,
  /** Ids of every object of a type, and of those of one member. */
  objectIndex: (type: string) => `index:${type}`,
  memberIndex: (type: string, memberId: number) => `index:${type}:member:${memberId}`,
  /** The id of the object of a type with this code under this parent (member or advertiser). */
  objectByCode: (type: string, parentId: number, code: string) =>
    `${type}-code:${parentId}:${code}`,
  userByName: (username: string) => `user-name:${username.toLowerCase()}`,
  /** An API session, by the SHA-256 of its token (a leaked key list leaks no token). */
  token: (tokenHash: string) => `token:${tokenHash}`,
  loginCount: (username: string, outcome: "ok" | "fail", window: number) =>
    `login:${outcome}:${username.toLowerCase()}:${window}`,
} as const;

/** Pub/sub channel on which the API announces changed pixel configs (`<id>` or `*`). */
export const PIXEL_CHANGES_CHANNEL = "pixel-config-changes";
