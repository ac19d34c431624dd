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
} as const;

/** Pub/sub channel on which the API announces changed pixel configs (`<id>` or `*`). */
export const PIXEL_CHANGES_CHANNEL = "pixel-config-changes";
