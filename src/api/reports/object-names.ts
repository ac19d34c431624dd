import type { NamedIds, ObjectNames } from "../../reports/service/report-build.js";
import type { ApiStores } from "../api-deps.js";

/**
 * The names a report's rows show, read from the objects in Redis: only the member's own objects
 * (member 0: an admin's report, any member's), so that no other member's name can appear.
 */
export function objectNames(stores: ApiStores) {
  return async (memberId: number, ids: NamedIds): Promise<ObjectNames> => {
    const mine = <T extends { member_id: number }>(objects: T[]) =>
      objects.filter((o) => memberId === 0 || o.member_id === memberId);
    const pixels = mine(await stores.pixels.getMany(ids.pixels));
    const advertiserIds = new Set([...ids.advertisers, ...pixels.map((p) => p.advertiser_id)]);
    const [advertisers, lineItems, campaigns] = await Promise.all([
      stores.advertisers.getMany([...advertiserIds]),
      stores.lineItems.getMany(ids.lineItems),
      stores.campaigns.getMany(ids.campaigns),
    ]);
    const byId = <T extends { id: number; name: string; member_id: number }>(objects: T[]) =>
      new Map(mine(objects).map((o) => [o.id, o.name] as const));
    return {
      pixels: new Map(pixels.map((p) => [p.id, { name: p.name, advertiser_id: p.advertiser_id }])),
      advertisers: byId(advertisers),
      lineItems: byId(lineItems),
      campaigns: byId(campaigns),
    };
  };
}
