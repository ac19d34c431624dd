import { OPTED_OUT } from "../edge/user-identity.js";
import type { ClickIdContents } from "../signing/click-id.js";
import type { AcceptedFire } from "./log-rows.js";

/**
 * A fire carrying a valid click id (SPEC 12): the click it names joins the candidates, and the
 * fire is the click's user's when the click had one, so that a browser fire and a server event
 * naming the same click meet in the same repeat state (order_id and event_id checks) and the
 * same touch history. An opted-out browser's fire stays anonymous whatever it carries.
 */
export function withClick(fire: AcceptedFire, click: ClickIdContents | null): AcceptedFire {
  if (!click || fire.user_id === OPTED_OUT) return fire;
  const user = click.user_id ?? fire.user_id;
  return {
    ...fire,
    user_id: user,
    click: {
      type: "click",
      user_id: user,
      advertiser_id: click.advertiser_id,
      line_item_id: click.line_item_id,
      campaign_id: click.campaign_id,
      creative_id: click.creative_id,
      ts: click.ts,
    },
  };
}
