import type { Touch } from "../attribution/types.js";
import { parseObjectId } from "../fields/object-id.js";
import { parseHttpUrl } from "../pixels/http-url.js";

function optionalId(text: string | null): number | null | undefined {
  if (text === null || text === "") return null;
  return parseObjectId(text) ?? undefined;
}

/**
 * The touch a beacon describes (`adv`, `li` required; `cp`, `cr` optional), or null when an id
 * is missing or malformed.
 */
export function parseTouchQuery(
  params: URLSearchParams,
  type: Touch["type"],
  userId: string,
  ts: number,
): Touch | null {
  const adv = parseObjectId(params.get("adv"));
  const li = parseObjectId(params.get("li"));
  const cp = optionalId(params.get("cp"));
  const cr = optionalId(params.get("cr"));
  if (adv === null || li === null || cp === undefined || cr === undefined) return null;
  return {
    type,
    user_id: userId,
    advertiser_id: adv,
    line_item_id: li,
    campaign_id: cp,
    creative_id: cr,
    ts,
  };
}

/** The click's landing page: an absolute http(s) URL. */
export function clickTarget(params: URLSearchParams): URL | null {
  return parseHttpUrl(params.get("redir"));
}

// Auction ids are 64-bit integers at Xandr; other ad servers use uuids or their own tokens.
const AID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The beacon's impression id (`aid`): null when it has none, undefined when it is malformed
 * (an unfilled macro such as `${AUCTION_ID}`), so that such a beacon records nothing.
 */
export function impressionIdOf(params: URLSearchParams): string | null | undefined {
  const aid = params.get("aid");
  if (aid === null) return null;
  return AID.test(aid) ? aid : undefined;
}
