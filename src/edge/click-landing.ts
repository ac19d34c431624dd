import type { Context } from "hono";
import type { Touch } from "../attribution/types.js";
import type { AppDeps } from "../deps.js";
import { encodeClickId } from "../signing/click-id.js";
import { withTimeout } from "../with-timeout.js";

/** The landing page's query parameter that carries the click id (SPEC 12). */
export const CLICK_ID_PARAM = "pxclid";

/**
 * The landing URL with `pxclid=<click id>` appended, its own query and fragment kept byte for
 * byte (re-serialising the query through URLSearchParams would change how it is encoded).
 *
 * @example withClickId(new URL("https://shop.example/p?a=1#top"), "1.2…") // "https://shop.example/p?a=1&pxclid=1.2…#top"
 */
export function withClickId(landing: URL, clickId: string): string {
  const { href, search, hash } = landing;
  let base = href.slice(0, href.length - search.length - hash.length);
  if (search === "" && base.endsWith("?")) base = base.slice(0, -1);
  return `${base}${search ? `${search}&` : "?"}${CLICK_ID_PARAM}=${clickId}${hash}`;
}

/**
 * Where a recorded click sends the browser: the landing URL, with the click's id when its
 * advertiser asks for one. Waits at most EDGE_STORAGE_TIMEOUT_MS for the advertiser and the
 * secret; without them the browser still goes to the landing page, without a click id.
 */
export async function clickLanding(
  c: Context,
  deps: AppDeps,
  landing: URL,
  click: Touch,
): Promise<string> {
  const wait = deps.settings.storageTimeoutMs;
  const [appends, secret] = await Promise.all([
    withTimeout(deps.storage(c).advertisers.appendsClickId(click.advertiser_id), wait, false),
    withTimeout(deps.signingSecret(c), wait, null),
  ]);
  if (!appends || secret === null) return landing.href;
  const clickId = encodeClickId(secret, {
    advertiser_id: click.advertiser_id,
    line_item_id: click.line_item_id,
    campaign_id: click.campaign_id,
    creative_id: click.creative_id,
    ts: click.ts,
    user_id: click.user_id,
  });
  return withClickId(landing, clickId);
}
