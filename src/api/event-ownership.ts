import type { Touch } from "../attribution/types.js";
import type { ApiStores } from "./api-deps.js";

/**
 * The most distinct advertisers one `POST /events` request may name: each costs a read (a
 * call of its own per hash slot on Cluster), so a batch of random ids cannot make the request
 * unbounded. Events naming more are refused by index, the others kept.
 */
export const MAX_ADVERTISERS = 1000;

export interface Rejection {
  index: number;
  error: string;
}

/**
 * Keeps the events whose advertiser is the member's (any advertiser for null: an admin), whose
 * line item is that advertiser's, and whose campaign (when named) is that line item's, in three
 * batched reads however large the batch: the distinct advertisers, then the line items and the
 * campaigns of the events still standing. Creatives are not objects of this API: a creative id
 * is only a label within the advertiser's own rows, bounded like every id.
 */
export async function checkOwnership(
  stores: Pick<ApiStores, "advertisers" | "lineItems" | "campaigns">,
  member: number | null,
  events: ReadonlyArray<{ index: number; touch: Touch }>,
): Promise<{ accepted: Touch[]; rejected: Rejection[] }> {
  const rejected: Rejection[] = [];
  const looked = [...new Set(events.map((e) => e.touch.advertiser_id))].slice(0, MAX_ADVERTISERS);
  const owners = new Map(
    (await stores.advertisers.getMany(looked)).map((a) => [a.id, a.member_id] as const),
  );
  const lookedUp = new Set(looked);
  const owned = events.filter(({ index, touch }) => {
    const owner = owners.get(touch.advertiser_id);
    if (!lookedUp.has(touch.advertiser_id))
      rejected.push({
        index,
        error: `advertiser_id: more than ${MAX_ADVERTISERS} advertisers in one request`,
      });
    else if (owner === undefined || (member !== null && owner !== member))
      rejected.push({ index, error: `advertiser_id: advertiser ${touch.advertiser_id} not found` });
    else return true;
    return false;
  });

  const lineItemIds = [...new Set(owned.map((e) => e.touch.line_item_id))];
  const campaignIds = [
    ...new Set(owned.flatMap((e) => (e.touch.campaign_id === null ? [] : [e.touch.campaign_id]))),
  ];
  const [lineItems, campaigns] = await Promise.all([
    stores.lineItems.getMany(lineItemIds),
    stores.campaigns.getMany(campaignIds),
  ]);
  const advertiserOf = new Map(lineItems.map((li) => [li.id, li.advertiser_id] as const));
  const lineItemOf = new Map(campaigns.map((cp) => [cp.id, cp.line_item_id] as const));
  const accepted: Touch[] = [];
  for (const { index, touch } of owned) {
    if (advertiserOf.get(touch.line_item_id) !== touch.advertiser_id)
      rejected.push({
        index,
        error: `line_item_id: not a line item of advertiser ${touch.advertiser_id}`,
      });
    else if (touch.campaign_id !== null && lineItemOf.get(touch.campaign_id) !== touch.line_item_id)
      rejected.push({
        index,
        error: `campaign_id: not a campaign of line item ${touch.line_item_id}`,
      });
    else accepted.push(touch);
  }
  return { accepted, rejected };
}
